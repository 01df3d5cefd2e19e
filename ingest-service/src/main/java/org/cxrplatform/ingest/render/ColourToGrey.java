package org.cxrplatform.ingest.render;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;

/**
 * Colour images to the model's 8-bit grey, the way the reference's image loading makes grey
 * (Pillow's {@code Image.convert("L")}, checked against Debian's python3-pil 9.4 in the tests):
 * <ul>
 *   <li>RGB: ITU-R 601-2 luma in Pillow's fixed point, {@code L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16}
 *       (that is R*299/1000 + G*587/1000 + B*114/1000 rounded half up);</li>
 *   <li>YBR_FULL and YBR_FULL_422 samples: their Y, as Pillow's YCbCr → L does (Y is that same luma);</li>
 *   <li>YBR_ICT, YBR_RCT and compressed YBR: the codecs return RGB, converted as above;</li>
 *   <li>PALETTE COLOR: each index through the Red/Green/Blue Palette Color LUTs (PS3.3 C.7.6.3.1.5:
 *       indices below the first mapped value take the first entry, above the table the last; 16-bit
 *       entries keep their high byte), then luma. A missing or inconsistent palette is refused
 *       ({@code palette}); segmented palettes are not supported and refused the same way.</li>
 * </ul>
 */
final class ColourToGrey {

    private ColourToGrey() {}

    /** Interleaved 8-bit RGB triplets to luma. */
    static byte[] fromRgb(int[] rgb, int pixels) {
        byte[] out = new byte[pixels];
        for (int i = 0; i < pixels; i++) {
            out[i] = (byte) luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
        }
        return out;
    }

    /** Interleaved full-range YCbCr triplets to their Y. */
    static byte[] fromYbr(int[] ybr, int pixels) {
        byte[] out = new byte[pixels];
        for (int i = 0; i < pixels; i++) {
            out[i] = (byte) ybr[3 * i];
        }
        return out;
    }

    /** Uncompressed YBR_FULL_422 (PS3.3 C.7.6.3.1.2: Y1 Y2 Cb Cr per pair of pixels in a row) to Y. */
    static byte[] fromYbr422(byte[] data, int rows, int columns) throws RenderException {
        int pairs = (columns + 1) / 2;
        if (data.length < rows * pairs * 4) {
            throw new RenderException(
                    "pixel-data-length",
                    "YBR_FULL_422 Pixel Data holds " + data.length + " bytes, one " + columns + "x" + rows
                            + " frame needs " + rows * pairs * 4);
        }
        byte[] out = new byte[rows * columns];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                out[y * columns + x] = data[(y * pairs + x / 2) * 4 + (x & 1)];
            }
        }
        return out;
    }

    /** Palette indices (already reduced to Bits Stored) through the header's Palette Color LUTs, then luma. */
    static byte[] fromPalette(AttributeList list, int[] indices) throws RenderException {
        Lut red = lut(
                list,
                TagFromName.RedPaletteColorLookupTableDescriptor,
                TagFromName.RedPaletteColorLookupTableData,
                "Red");
        Lut green = lut(
                list,
                TagFromName.GreenPaletteColorLookupTableDescriptor,
                TagFromName.GreenPaletteColorLookupTableData,
                "Green");
        Lut blue = lut(
                list,
                TagFromName.BluePaletteColorLookupTableDescriptor,
                TagFromName.BluePaletteColorLookupTableData,
                "Blue");
        byte[] out = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = (byte) luma(red.apply(indices[i]), green.apply(indices[i]), blue.apply(indices[i]));
        }
        return out;
    }

    /** Pillow 9.4's rgb2l. */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    private record Lut(int[] entries, int first) {
        int apply(int index) {
            int i = Math.min(Math.max(index - first, 0), entries.length - 1);
            return entries[i];
        }
    }

    private static Lut lut(AttributeList list, AttributeTag descriptorTag, AttributeTag dataTag, String colour)
            throws RenderException {
        Attribute descriptor = list.get(descriptorTag);
        Attribute data = list.get(dataTag);
        try {
            int[] d = descriptor == null ? new int[0] : descriptor.getIntegerValues();
            if (d == null || d.length != 3) {
                throw new RenderException(
                        "palette",
                        colour + " Palette Color Lookup Table Descriptor is missing or does not"
                                + " have 3 values (segmented palettes are not supported)");
            }
            int count = d[0] == 0 ? 65536 : d[0] & 0xffff;
            int first = d[1];
            int bits = d[2];
            if (bits != 8 && bits != 16) {
                throw new RenderException("palette", colour + " palette entries have " + bits + " bits (8 or 16)");
            }
            if (data == null) {
                throw new RenderException("palette", colour + " Palette Color Lookup Table Data is missing");
            }
            int[] entries = new int[count];
            if (bits == 16) {
                short[] words = data.getShortValues();
                if (words == null || words.length < count) {
                    throw new RenderException(
                            "palette",
                            colour + " palette holds " + (words == null ? 0 : words.length)
                                    + " entries, its descriptor declares " + count);
                }
                for (int i = 0; i < count; i++) {
                    entries[i] = (words[i] & 0xffff) >> 8;
                }
            } else {
                byte[] bytes = data.getByteValues();
                if (bytes == null || bytes.length < count) {
                    throw new RenderException(
                            "palette",
                            colour + " palette holds " + (bytes == null ? 0 : bytes.length)
                                    + " entries, its descriptor declares " + count);
                }
                for (int i = 0; i < count; i++) {
                    entries[i] = bytes[i] & 0xff;
                }
            }
            return new Lut(entries, first);
        } catch (DicomException e) {
            throw new RenderException("palette", colour + " palette unreadable: " + e.getMessage(), e);
        }
    }
}

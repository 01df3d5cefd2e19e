package org.cxrplatform.ingest.render;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

/**
 * One VOI LUT Sequence item (PS3.3 C.11.2): LUT Descriptor (entries, first input value mapped,
 * bits per entry) and LUT Data. Inputs below the first mapped value take the first entry, above
 * the last take the last; the output is scaled from the LUT's actual range to 0-255 (vendors'
 * descriptors often claim 16 bits for 12-bit data).
 */
final class VoiLut {

    private final int first;
    private final int[] data;
    private final int min;
    private final int range;

    private VoiLut(int first, int[] data) {
        this.first = first;
        this.data = data;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int v : data) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        this.min = lo;
        this.range = Math.max(1, hi - lo);
    }

    /** The LUT of one item, or null when the item is incomplete. */
    static VoiLut of(AttributeList item, boolean signedInput) throws RenderException {
        try {
            Attribute descriptor = item.get(TagFromName.LUTDescriptor);
            Attribute lutData = item.get(TagFromName.LUTData);
            if (descriptor == null || lutData == null || descriptor.getVM() < 3) {
                return null;
            }
            int[] d = descriptor.getIntegerValues();
            int entries = d[0] == 0 ? 65536 : d[0] & 0xffff;
            int first = d[1] & 0xffff;
            if (signedInput && first > 32767) {
                first -= 65536;
            }
            int bits = d[2];
            int[] data = new int[entries];
            short[] words = lutData.getShortValues();
            if (words != null && words.length >= entries) {
                for (int i = 0; i < entries; i++) {
                    data[i] = words[i] & 0xffff;
                }
            } else {
                byte[] bytes = lutData.getByteValues();
                if (bits > 8 || bytes == null || bytes.length < entries) {
                    throw new RenderException(
                            "voi-lut", "VOI LUT Data has fewer values than the " + entries + " described");
                }
                for (int i = 0; i < entries; i++) {
                    data[i] = bytes[i] & 0xff;
                }
            }
            return new VoiLut(first, data);
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new RenderException("voi-lut", "unreadable VOI LUT: " + e.getMessage(), e);
        }
    }

    int apply(double input) {
        long index = Math.round(input) - first;
        int v = data[index < 0 ? 0 : index >= data.length ? data.length - 1 : (int) index];
        return (int) Math.round((v - min) * 255.0 / range);
    }
}

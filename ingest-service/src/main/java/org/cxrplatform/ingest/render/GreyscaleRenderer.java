package org.cxrplatform.ingest.render;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CompressedFrameDecoder;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import org.cxrplatform.ingest.config.IngestConfig;

/**
 * DICOM pixels to the 8-bit greyscale PNG the model reads, following PS3.3 C.11 / PS3.4 N.2:
 * stored values (8-16 bits, signed or unsigned, first frame of a multi-frame) → modality LUT
 * (rescale slope/intercept) → VOI (the first VOI LUT Sequence item, else the first window
 * centre/width with its VOI LUT Function, else a robust 0.5-99.5 percentile window) →
 * MONOCHROME1 inverted → area-averaged down to the longest edge ({@code cxr.ingest.render.max-edge}).
 *
 * <p>Decoding: uncompressed syntaxes natively; encapsulated ones with PixelMed's ImageIO codecs
 * (JPEG baseline/extended 8-bit, JPEG lossless, JPEG 2000, RLE 8-bit), falling back to GDCM for
 * the rest. Dimensions are checked against the limits, and every declared length (fragments
 * included) against the file's size ({@link DeclaredLengths}), before anything is decoded.
 *
 * <p>Thread-safe (stateless apart from settings).
 */
public final class GreyscaleRenderer {

    private static final AttributeTag VOI_LUT_FUNCTION = TagFromName.VOILUTFunction;

    private final IngestConfig.Render settings;
    private final int maxEdge;
    private final GdcmDecoder gdcm;

    public GreyscaleRenderer(IngestConfig.Render settings) {
        this(settings, settings.maxEdge());
    }

    /** Renders with the configured limits but another longest edge. */
    public GreyscaleRenderer(IngestConfig.Render settings, int maxEdge) {
        this.settings = settings;
        this.maxEdge = maxEdge;
        this.gdcm = new GdcmDecoder(settings);
    }

    /** Header-only guard, before the pixel data is read: refuses empty and absurd dimensions. */
    public void checkDimensions(int rows, int columns, int bitsAllocated) throws RenderException {
        if (rows <= 0 || columns <= 0) {
            throw new RenderException("zero-size", "image has " + rows + " rows and " + columns + " columns");
        }
        if (rows > settings.maxDimension() || columns > settings.maxDimension()
                || (long) rows * columns > settings.maxPixels()) {
            throw new RenderException("too-large", "image " + columns + "x" + rows + " exceeds the limit of "
                    + settings.maxPixels() + " pixels / " + settings.maxDimension() + " per side");
        }
        if (bitsAllocated != 8 && bitsAllocated != 16) {
            throw new RenderException("bits", "Bits Allocated " + bitsAllocated + " is not supported (8 or 16)");
        }
    }

    public RenderedImage render(Path file) throws RenderException {
        DeclaredLengths.check(file);
        AttributeList list = read(file);
        String ts = Attribute.getSingleStringValueOrDefault(list, TagFromName.TransferSyntaxUID,
                TransferSyntax.ExplicitVRLittleEndian);
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int bitsAllocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        int bitsStored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated);
        boolean signed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
        int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        String photometric = Attribute.getSingleStringValueOrDefault(list, TagFromName.PhotometricInterpretation, "")
                .trim().toUpperCase(Locale.ROOT);
        checkDimensions(rows, columns, bitsAllocated);
        if (samples != 1 || !(photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"))) {
            throw new RenderException("photometric", "photometric interpretation '" + photometric + "' with "
                    + samples + " samples per pixel is not greyscale (MONOCHROME1/2)");
        }
        if (bitsStored < 1 || bitsStored > bitsAllocated) {
            throw new RenderException("bits", "Bits Stored " + bitsStored + " does not fit Bits Allocated " + bitsAllocated);
        }
        Attribute pixelData = list.get(TagFromName.PixelData);
        if (pixelData == null) {
            throw new RenderException("no-pixel-data", "no readable Pixel Data (7FE0,0010): missing or truncated");
        }
        Frame frame = decode(file, list, pixelData, ts, rows, columns, bitsAllocated);
        int[] values = normalise(frame.values(), bitsStored, signed);

        double slope = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1.0);
        double intercept = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0.0);
        if (slope == 0 || Double.isNaN(slope)) {
            slope = 1.0;
        }
        byte[] grey = new byte[rows * columns];
        String voi = applyVoi(list, values, slope, intercept, signed, grey);
        boolean inverse = photometric.equals("MONOCHROME1");
        if (inverse) {
            for (int i = 0; i < grey.length; i++) {
                grey[i] = (byte) (255 - (grey[i] & 0xff));
            }
        }
        int w = columns;
        int h = rows;
        int longest = Math.max(w, h);
        if (longest > maxEdge) {
            double scale = (double) maxEdge / longest;
            int dw = Math.max(1, (int) Math.round(w * scale));
            int dh = Math.max(1, (int) Math.round(h * scale));
            grey = AreaAverage.resize(grey, w, h, dw, dh);
            w = dw;
            h = dh;
        }
        return new RenderedImage(png(grey, w, h), w, h, voi, frame.decoder());
    }

    private static AttributeList read(Path file) throws RenderException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try {
            list.read(file.toFile());
            return list;
        } catch (Exception | OutOfMemoryError e) {
            throw new RenderException("unreadable", "cannot read the data set: " + e.getMessage(), e);
        }
    }

    private record Frame(int[] values, String decoder) {
    }

    private Frame decode(Path file, AttributeList list, Attribute pixelData, String ts, int rows, int columns,
                         int bitsAllocated) throws RenderException {
        boolean encapsulated = new TransferSyntax(ts).isEncapsulated();
        if (!encapsulated && !(pixelData instanceof OtherByteAttributeMultipleCompressedFrames)) {
            return new Frame(nativeFrame(pixelData, rows, columns, bitsAllocated), "native");
        }
        Throwable pixelmedFailure;
        try {
            return new Frame(pixelMedFrame(pixelData, ts, rows, columns, bitsAllocated), "pixelmed");
        } catch (Exception | LinkageError e) {
            pixelmedFailure = e;
        }
        GdcmDecoder.Raw raw = gdcm.decodeFirstFrame(file);
        if (raw != null) {
            if (raw.width() != columns || raw.height() != rows) {
                throw new RenderException("decode", "GDCM decoded " + raw.width() + "x" + raw.height()
                        + " but the header says " + columns + "x" + rows);
            }
            return new Frame(fromLittleEndian(raw.bytes(), rows * columns, raw.bitsAllocated()), raw.via());
        }
        Path rawFile = gdcm.toRawFile(file);
        try {
            AttributeList decoded = read(rawFile);
            Attribute px = decoded.get(TagFromName.PixelData);
            if (px == null) {
                throw new RenderException("decode", "gdcmconv produced no Pixel Data (PixelMed: " + pixelmedFailure + ")");
            }
            int ba = Attribute.getSingleIntegerValueOrDefault(decoded, TagFromName.BitsAllocated, bitsAllocated);
            return new Frame(nativeFrame(px, rows, columns, ba), "gdcmconv");
        } finally {
            try {
                Files.deleteIfExists(rawFile);
            } catch (IOException ignored) {
                // temp file next to the spool entry; removed with it
            }
        }
    }

    private static int[] nativeFrame(Attribute pixelData, int rows, int columns, int bitsAllocated) throws RenderException {
        int n = rows * columns;
        try {
            int[] out = new int[n];
            if (bitsAllocated == 16) {
                short[] v = pixelData.getShortValues();
                if (v == null || v.length < n) {
                    throw new RenderException("pixel-data-length", "Pixel Data holds " + (v == null ? 0 : v.length)
                            + " 16-bit values, one " + columns + "x" + rows + " frame needs " + n);
                }
                for (int i = 0; i < n; i++) {
                    out[i] = v[i] & 0xffff;
                }
            } else {
                byte[] v = pixelData.getByteValues();
                if (v == null || v.length < n) {
                    throw new RenderException("pixel-data-length", "Pixel Data holds " + (v == null ? 0 : v.length)
                            + " bytes, one " + columns + "x" + rows + " frame needs " + n);
                }
                for (int i = 0; i < n; i++) {
                    out[i] = v[i] & 0xff;
                }
            }
            return out;
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new RenderException("pixel-data", "cannot read Pixel Data: " + e.getMessage(), e);
        }
    }

    private static int[] pixelMedFrame(Attribute pixelData, String ts, int rows, int columns, int bitsAllocated)
            throws Exception {
        if (!(pixelData instanceof OtherByteAttributeMultipleCompressedFrames compressed)) {
            throw new IllegalStateException("encapsulated Pixel Data was not read as compressed frames");
        }
        byte[][] frames = compressed.getFrames();
        if (frames == null || frames.length == 0 || frames[0] == null || frames[0].length == 0) {
            throw new IllegalStateException("no compressed frame");
        }
        CompressedFrameDecoder decoder = new CompressedFrameDecoder(ts, new byte[][] {frames[0]}, bitsAllocated / 8,
                columns, rows, 1, null);
        BufferedImage image = decoder.getDecompressedFrameAsBufferedImage(0);
        if (image == null) {
            throw new IllegalStateException("PixelMed returned no image for " + ts);
        }
        if (image.getWidth() != columns || image.getHeight() != rows) {
            throw new IllegalStateException("decoded " + image.getWidth() + "x" + image.getHeight());
        }
        Raster raster = image.getRaster();
        return raster.getSamples(0, 0, columns, rows, 0, (int[]) null);
    }

    private static int[] fromLittleEndian(byte[] b, int n, int bitsAllocated) throws RenderException {
        int[] out = new int[n];
        if (bitsAllocated == 16) {
            if (b.length < 2 * n) {
                throw new RenderException("pixel-data-length", "decoded frame has " + b.length + " bytes, needs " + 2 * n);
            }
            for (int i = 0; i < n; i++) {
                out[i] = (b[2 * i] & 0xff) | (b[2 * i + 1] & 0xff) << 8;
            }
        } else {
            if (b.length < n) {
                throw new RenderException("pixel-data-length", "decoded frame has " + b.length + " bytes, needs " + n);
            }
            for (int i = 0; i < n; i++) {
                out[i] = b[i] & 0xff;
            }
        }
        return out;
    }

    /** Keeps the Bits Stored low bits and sign-extends them when Pixel Representation is 1. */
    static int[] normalise(int[] raw, int bitsStored, boolean signed) {
        int mask = bitsStored >= 32 ? -1 : (1 << bitsStored) - 1;
        int sign = 1 << (bitsStored - 1);
        for (int i = 0; i < raw.length; i++) {
            int v = raw[i] & mask;
            raw[i] = signed && (v & sign) != 0 ? v - (1 << bitsStored) : v;
        }
        return raw;
    }

    /**
     * Applies modality LUT and VOI through a lookup table over the stored values actually present
     * (at most 65,536 evaluations instead of one per pixel).
     */
    private static String applyVoi(AttributeList list, int[] stored, double slope, double intercept, boolean signed,
                                   byte[] out) throws RenderException {
        String voi;
        IntUnaryOperator transform;
        Attribute seq = list.get(TagFromName.VOILUTSequence);
        VoiLut lut = seq instanceof SequenceAttribute s && s.getNumberOfItems() > 0
                ? VoiLut.of(s.getItem(0).getAttributeList(), signed) : null;
        double[] centres = doubles(list, TagFromName.WindowCenter);
        double[] widths = doubles(list, TagFromName.WindowWidth);
        if (lut != null) {
            voi = "voi-lut";
            transform = v -> lut.apply(v * slope + intercept);
        } else if (centres.length > 0 && widths.length > 0 && widths[0] >= 1) {
            voi = "window";
            String function = Attribute.getSingleStringValueOrDefault(list, VOI_LUT_FUNCTION, "LINEAR").trim();
            transform = window(slope, intercept, centres[0], widths[0], function);
        } else {
            // No VOI in the header: a robust window from the 0.5th to the 99.5th percentile of stored values.
            voi = "percentile";
            int[] bounds = percentiles(stored, 0.005, 0.995);
            double lo = bounds[0] * slope + intercept;
            double hi = bounds[1] * slope + intercept;
            if (hi < lo) {
                double t = lo;
                lo = hi;
                hi = t;
            }
            double width = Math.max(1, hi - lo);
            transform = window(slope, intercept, lo + width / 2, width, "LINEAR_EXACT");
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int v : stored) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        byte[] table = new byte[max - min + 1];
        for (int v = min; v <= max; v++) {
            table[v - min] = (byte) transform.applyAsInt(v);
        }
        for (int i = 0; i < stored.length; i++) {
            out[i] = table[stored[i] - min];
        }
        return voi;
    }

    /** Window centre/width on modality values (PS3.3 C.11.2.1.2), as stored value → 0..255. */
    private static IntUnaryOperator window(double slope, double intercept, double c, double w, String function) {
        return stored -> {
            double x = stored * slope + intercept;
            double y;
            switch (function) {
                case "SIGMOID" -> y = 255.0 / (1.0 + Math.exp(-4.0 * (x - c) / w));
                case "LINEAR_EXACT" -> y = ((x - c) / w + 0.5) * 255.0;
                default -> {
                    if (x <= c - 0.5 - (w - 1) / 2) {
                        y = 0;
                    } else if (x > c - 0.5 + (w - 1) / 2) {
                        y = 255;
                    } else {
                        y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255.0;
                    }
                }
            }
            return y <= 0 ? 0 : y >= 255 ? 255 : (int) Math.round(y);
        };
    }

    static int[] percentiles(int[] values, double low, double high) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int[] histogram = new int[max - min + 1];
        for (int v : values) {
            histogram[v - min]++;
        }
        long lowCount = (long) Math.floor(values.length * low);
        long highCount = (long) Math.ceil(values.length * high);
        int lo = min;
        int hi = max;
        long acc = 0;
        boolean loFound = false;
        for (int i = 0; i < histogram.length; i++) {
            acc += histogram[i];
            if (!loFound && acc > lowCount) {
                lo = min + i;
                loFound = true;
            }
            if (acc >= highCount) {
                hi = min + i;
                break;
            }
        }
        return new int[] {lo, Math.max(lo, hi)};
    }

    private static double[] doubles(AttributeList list, AttributeTag tag) {
        Attribute a = list.get(tag);
        if (a == null || a.getVM() == 0) {
            return new double[0];
        }
        try {
            return a.getDoubleValues();
        } catch (Exception e) {
            return new double[0];
        }
    }

    private static byte[] png(byte[] grey, int w, int h) {
        return GreyPng.encode(grey, w, h, 3); // deflate's fast path; ImageIO's writer took most of the render time
    }
}

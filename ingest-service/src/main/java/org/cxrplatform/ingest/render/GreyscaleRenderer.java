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
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.llava.image.CxrPreprocessor;

/**
 * DICOM pixels to the 8-bit greyscale PNG the model reads, following PS3.3 C.11 / PS3.4 N.2:
 * stored values (8-16 bits, signed or unsigned, first frame of a multi-frame) → modality LUT
 * (rescale slope/intercept) → VOI (the first VOI LUT Sequence item, else the first window
 * centre/width with its VOI LUT Function, else a robust 0.5-99.5 percentile window) →
 * MONOCHROME1 inverted → the reference's first preprocessing step at full resolution: shortest edge to the model's
 * image size with Pillow's LANCZOS ({@code cxr.ingest.render.model-edge}, cxr-llava's bit-identical port) → a longest
 * edge beyond {@code cxr.ingest.render.max-edge} area-averaged down → PNG. The frame is decoded once: a PNG too large
 * to inline is made again from the same pixels, area-averaged to 512 px.
 *
 * Colour (RGB, YBR, PALETTE COLOR) becomes grey as {@link ColourToGrey} says, without VOI.
 *
 * <p>Decoding: uncompressed syntaxes natively; JPEG 2000 with the {@link NativeDecoder} (GDCM and OpenJPEG in worker
 * processes) first; encapsulated ones with PixelMed's ImageIO codecs (JPEG baseline/extended 8-bit, JPEG lossless,
 * JPEG 2000, RLE 8-bit), all pure Java, falling back to the {@link NativeDecoder} for the rest. Dimensions are checked against the limits, and every declared length (fragments
 * included) against the file's size ({@link DeclaredLengths}), before anything is decoded.
 *
 * <p>Thread-safe (stateless apart from settings and the shared native decoder).
 */
public final class GreyscaleRenderer {

    private static final AttributeTag VOI_LUT_FUNCTION = TagFromName.VOILUTFunction;

    private static final java.util.Set<String> COLOUR =
            java.util.Set.of("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT");

    /**
     * Sent to the native decoder first: OpenJPEG (through GDCM, in a decoder worker, on every core) decodes a full-size
     * JPEG 2000 chest several times faster than PixelMed's Java codec (figures in BENCHMARKS.md); PixelMed stays the
     * fallback, so every instance it decoded before is still decoded.
     */
    private static final java.util.Set<String> NATIVE_FIRST =
            java.util.Set.of(TransferSyntax.JPEG2000Lossless, TransferSyntax.JPEG2000);

    /** Longest edge of the fallback for a PNG too large to inline in a Kafka record. */
    static final int SMALL_EDGE = 512;

    private final IngestConfig.Render settings;
    private final int maxEdge;
    private final NativeDecoder nativeDecoder;

    public GreyscaleRenderer(IngestConfig.Render settings, NativeDecoder nativeDecoder) {
        this(settings, settings.maxEdge(), nativeDecoder);
    }

    /** Renders with the configured limits but another longest edge. */
    public GreyscaleRenderer(IngestConfig.Render settings, int maxEdge, NativeDecoder nativeDecoder) {
        this.settings = settings;
        this.maxEdge = maxEdge;
        this.nativeDecoder = nativeDecoder;
    }

    /** Header-only guard, before the pixel data is read: refuses empty and absurd dimensions. */
    public void checkDimensions(int rows, int columns, int bitsAllocated) throws RenderException {
        if (rows <= 0 || columns <= 0) {
            throw new RenderException("zero-size", "image has " + rows + " rows and " + columns + " columns");
        }
        if (rows > settings.maxDimension()
                || columns > settings.maxDimension()
                || (long) rows * columns > settings.maxPixels()) {
            throw new RenderException(
                    "too-large",
                    "image " + columns + "x" + rows + " exceeds the limit of " + settings.maxPixels() + " pixels / "
                            + settings.maxDimension() + " per side");
        }
        if (bitsAllocated != 8 && bitsAllocated != 16) {
            throw new RenderException("bits", "Bits Allocated " + bitsAllocated + " is not supported (8 or 16)");
        }
    }

    /**
     * @throws RenderException      the instance cannot become a model input (its code says why)
     * @throws InterruptedException while waiting for a native decoder worker
     */
    public RenderedImage render(Path file) throws RenderException, InterruptedException {
        DeclaredLengths.check(file);
        AttributeList list = read(file);
        String ts = Attribute.getSingleStringValueOrDefault(
                list, TagFromName.TransferSyntaxUID, TransferSyntax.ExplicitVRLittleEndian);
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int bitsAllocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        int bitsStored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated);
        boolean signed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
        int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        String photometric = Attribute.getSingleStringValueOrDefault(list, TagFromName.PhotometricInterpretation, "")
                .trim()
                .toUpperCase(Locale.ROOT);
        checkDimensions(rows, columns, bitsAllocated);
        boolean mono = samples == 1 && (photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"));
        boolean palette = samples == 1 && photometric.equals("PALETTE COLOR");
        boolean colour = samples == 3 && COLOUR.contains(photometric);
        if (!mono && !palette && !colour) {
            throw new RenderException(
                    "photometric",
                    "photometric interpretation '" + photometric + "' with "
                            + samples
                            + " samples per pixel is not supported (MONOCHROME1/2, PALETTE COLOR, RGB, YBR_FULL, "
                            + "YBR_FULL_422, YBR_ICT, YBR_RCT)");
        }
        if (colour && bitsAllocated != 8) {
            throw new RenderException(
                    "bits", photometric + " with Bits Allocated " + bitsAllocated + " is not supported (8)");
        }
        if (bitsStored < 1 || bitsStored > bitsAllocated) {
            throw new RenderException(
                    "bits", "Bits Stored " + bitsStored + " does not fit Bits Allocated " + bitsAllocated);
        }
        Attribute pixelData = list.get(TagFromName.PixelData);
        if (pixelData == null) {
            throw new RenderException("no-pixel-data", "no readable Pixel Data (7FE0,0010): missing or truncated");
        }
        Frame frame = decode(file, list, pixelData, ts, rows, columns, bitsAllocated, samples, photometric);
        byte[] grey;
        String voi;
        if (frame.samples() == 3) {
            voi = "colour";
            grey = frame.photometric().startsWith("YBR_FULL")
                    ? ColourToGrey.fromYbr(frame.values(), rows * columns)
                    : ColourToGrey.fromRgb(frame.values(), rows * columns);
        } else if (frame.grey() != null) {
            voi = "colour";
            grey = frame.grey();
        } else if (palette) {
            voi = "palette";
            grey = ColourToGrey.fromPalette(list, normalise(frame.values(), bitsStored, false));
        } else {
            int[] values = normalise(frame.values(), bitsStored, signed);
            double slope = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1.0);
            double intercept = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0.0);
            if (slope == 0 || Double.isNaN(slope)) {
                slope = 1.0;
            }
            grey = new byte[rows * columns];
            voi = applyVoi(list, values, slope, intercept, signed, grey);
            if (photometric.equals("MONOCHROME1")) {
                for (int i = 0; i < grey.length; i++) {
                    grey[i] = (byte) (255 - (grey[i] & 0xff));
                }
            }
        }
        return encode(grey, columns, rows, voi, frame.decoder());
    }

    /** The full-resolution 8-bit pixels to the PNG the model reads: model resize, edge cap, inline-size fallback. */
    private RenderedImage encode(byte[] grey, int w, int h, String voi, String decoder) {
        if (Math.min(w, h) > settings.modelEdge()) {
            // Only ever down: a smaller image is left to the inference service, which then enlarges it as the reference
            // does.
            CxrPreprocessor.Resized r = CxrPreprocessor.resizeShortestEdge(grey, w, h, settings.modelEdge());
            grey = r.pixels();
            w = r.width();
            h = r.height();
        }
        RenderedImage image = capped(grey, w, h, maxEdge, voi, decoder);
        if (base64Length(image.png().length) > settings.maxInlineBytes() && Math.max(w, h) > SMALL_EDGE) {
            image = capped(grey, w, h, SMALL_EDGE, voi, decoder);
        }
        return image;
    }

    private static RenderedImage capped(byte[] grey, int w, int h, int edge, String voi, String decoder) {
        int longest = Math.max(w, h);
        if (longest > edge) {
            double scale = (double) edge / longest;
            int dw = Math.max(1, (int) Math.round(w * scale));
            int dh = Math.max(1, (int) Math.round(h * scale));
            grey = AreaAverage.resize(grey, w, h, dw, dh);
            w = dw;
            h = dh;
        }
        return new RenderedImage(png(grey, w, h), w, h, voi, decoder);
    }

    private static long base64Length(int bytes) {
        return 4L * ((bytes + 2) / 3);
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

    /**
     * A decoded first frame: {@code values} holds {@code samples} interleaved values per pixel in the decoded
     * {@code photometric}; or, for uncompressed YBR_FULL_422, the grey directly.
     */
    private record Frame(int[] values, int samples, String photometric, byte[] grey, String decoder) {
        static Frame of(int[] values, int samples, String photometric, String decoder) {
            return new Frame(values, samples, photometric, null, decoder);
        }
    }

    private Frame decode(
            Path file,
            AttributeList list,
            Attribute pixelData,
            String ts,
            int rows,
            int columns,
            int bitsAllocated,
            int samples,
            String photometric)
            throws RenderException, InterruptedException {
        boolean encapsulated = new TransferSyntax(ts).isEncapsulated();
        if (!encapsulated && !(pixelData instanceof OtherByteAttributeMultipleCompressedFrames)) {
            long fileSize = file.toFile().length();
            // PixelMed defers large values to the disk and allocates their declared length when read (a deflated
            // data set is inflated in memory instead, and legitimately longer than its file)
            if (pixelData.getVL() > fileSize && !ts.equals(TransferSyntax.DeflatedExplicitVRLittleEndian)) {
                throw new RenderException(
                        "declared-length",
                        "Pixel Data declares " + pixelData.getVL() + " bytes but the file holds " + fileSize);
            }
            if (samples == 3 && photometric.equals("YBR_FULL_422")) {
                return new Frame(
                        null, 1, photometric, ColourToGrey.fromYbr422(bytes(pixelData), rows, columns), "native");
            }
            int planar = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0);
            return Frame.of(
                    nativeFrame(pixelData, rows, columns, bitsAllocated, samples, planar),
                    samples,
                    photometric,
                    "native");
        }
        RenderException nativeFailure = null;
        if (NATIVE_FIRST.contains(ts)) {
            try {
                return workerFrame(file, rows, columns, samples, photometric);
            } catch (RenderException e) {
                nativeFailure = e; // crashed, timed out, refused or busy: PixelMed may still decode it, as before
            }
        }
        try {
            return Frame.of(
                    pixelMedFrame(pixelData, ts, rows, columns, bitsAllocated, samples),
                    samples,
                    samples == 3 ? "RGB" : photometric,
                    "pixelmed"); // the Java codecs return colour as RGB
        } catch (Exception | LinkageError e) {
            // beyond the Java codecs: the native decoder, in a worker process
        }
        if (nativeFailure != null) {
            throw nativeFailure;
        }
        return workerFrame(file, rows, columns, samples, photometric);
    }

    /** The first frame from the native decoder (a worker process), checked against the header. */
    private Frame workerFrame(Path file, int rows, int columns, int samples, String photometric)
            throws RenderException, InterruptedException {
        NativeDecoder.Frame raw = nativeDecoder.decodeFirstFrame(file);
        if (raw.width() != columns || raw.height() != rows || raw.samplesPerPixel() != samples) {
            throw new RenderException(
                    "decode",
                    raw.via() + " decoded " + raw.width() + "x" + raw.height() + " with " + raw.samplesPerPixel()
                            + " samples but the header says " + columns + "x" + rows + " with " + samples);
        }
        return Frame.of(
                fromLittleEndian(raw.bytes(), rows * columns * samples, raw.bitsAllocated()),
                samples,
                samples == 3 ? raw.photometric() : photometric,
                raw.via());
    }

    private static byte[] bytes(Attribute pixelData) throws RenderException {
        try {
            byte[] v = pixelData.getByteValues();
            return v == null ? new byte[0] : v;
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new RenderException("pixel-data", "cannot read Pixel Data: " + e.getMessage(), e);
        }
    }

    private static int[] nativeFrame(
            Attribute pixelData, int rows, int columns, int bitsAllocated, int samples, int planar)
            throws RenderException {
        int n = rows * columns * samples;
        try {
            int[] out = new int[n];
            if (bitsAllocated == 16) {
                short[] v = pixelData.getShortValues();
                if (v == null || v.length < n) {
                    throw new RenderException(
                            "pixel-data-length",
                            "Pixel Data holds " + (v == null ? 0 : v.length) + " 16-bit values, one " + columns + "x"
                                    + rows + " frame needs " + n);
                }
                for (int i = 0; i < n; i++) {
                    out[i] = v[i] & 0xffff;
                }
            } else {
                byte[] v = pixelData.getByteValues();
                if (v == null || v.length < n) {
                    throw new RenderException(
                            "pixel-data-length",
                            "Pixel Data holds " + (v == null ? 0 : v.length) + " bytes, one " + columns + "x" + rows
                                    + " frame needs " + n);
                }
                int pixels = rows * columns;
                for (int i = 0; i < n; i++) {
                    // colour-by-plane (planar configuration 1) read as colour-by-pixel
                    out[i] = (planar == 1 && samples > 1 ? v[(i % samples) * pixels + i / samples] : v[i]) & 0xff;
                }
            }
            return out;
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new RenderException("pixel-data", "cannot read Pixel Data: " + e.getMessage(), e);
        }
    }

    private static int[] pixelMedFrame(
            Attribute pixelData, String ts, int rows, int columns, int bitsAllocated, int samples) throws Exception {
        if (!(pixelData instanceof OtherByteAttributeMultipleCompressedFrames compressed)) {
            throw new IllegalStateException("encapsulated Pixel Data was not read as compressed frames");
        }
        byte[][] frames = compressed.getFrames();
        if (frames == null || frames.length == 0 || frames[0] == null || frames[0].length == 0) {
            throw new IllegalStateException("no compressed frame");
        }
        CompressedFrameDecoder decoder = new CompressedFrameDecoder(
                ts, new byte[][] {frames[0]}, bitsAllocated / 8, columns, rows, samples, null);
        BufferedImage image = decoder.getDecompressedFrameAsBufferedImage(0);
        if (image == null) {
            throw new IllegalStateException("PixelMed returned no image for " + ts);
        }
        if (image.getWidth() != columns || image.getHeight() != rows) {
            throw new IllegalStateException("decoded " + image.getWidth() + "x" + image.getHeight());
        }
        Raster raster = image.getRaster();
        if (raster.getNumBands() != samples) {
            throw new IllegalStateException(
                    "decoded " + raster.getNumBands() + " samples per pixel, header says " + samples);
        }
        return raster.getPixels(0, 0, columns, rows, (int[]) null); // interleaved when colour
    }

    private static int[] fromLittleEndian(byte[] b, int n, int bitsAllocated) throws RenderException {
        int[] out = new int[n];
        if (bitsAllocated == 16) {
            if (b.length < 2 * n) {
                throw new RenderException(
                        "pixel-data-length", "decoded frame has " + b.length + " bytes, needs " + 2 * n);
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
    private static String applyVoi(
            AttributeList list, int[] stored, double slope, double intercept, boolean signed, byte[] out)
            throws RenderException {
        String voi;
        IntUnaryOperator transform;
        Attribute seq = list.get(TagFromName.VOILUTSequence);
        VoiLut lut = seq instanceof SequenceAttribute s && s.getNumberOfItems() > 0
                ? VoiLut.of(s.getItem(0).getAttributeList(), signed)
                : null;
        double[] centres = doubles(list, TagFromName.WindowCenter);
        double[] widths = doubles(list, TagFromName.WindowWidth);
        if (lut != null) {
            voi = "voi-lut";
            transform = v -> lut.apply(v * slope + intercept);
        } else if (centres.length > 0 && widths.length > 0 && widths[0] >= 1) {
            voi = "window";
            String function = Attribute.getSingleStringValueOrDefault(list, VOI_LUT_FUNCTION, "LINEAR")
                    .trim();
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

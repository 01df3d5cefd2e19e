package org.cxrplatform.ingest.decode;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.cxrplatform.ingest.render.NativeDecoder;
import org.cxrplatform.ingest.render.RenderException;

/**
 * GDCM, the native decoder for what PixelMed's ImageIO codecs cannot decode (JPEG-LS, 12-bit JPEG
 * extended, RLE above 8 bits, streams the Java codecs refuse). Runs only inside a decoder worker
 * process ({@link DecoderWorkerMain}): GDCM and OpenJPEG can crash on malformed input. Uses the
 * Debian JNI binding ({@code libgdcm-java}); where its library is missing, {@code gdcmconv --raw}.
 * Both are the same GDCM codecs.
 */
final class GdcmDecoder {

    private final Path gdcmLibrary;
    private final String gdcmconv;
    private final boolean jni;

    GdcmDecoder(Path gdcmLibrary, String gdcmconv) {
        this.gdcmLibrary = gdcmLibrary;
        this.gdcmconv = gdcmconv;
        this.jni = load();
    }

    String via() {
        return jni ? "gdcm-jni" : "gdcmconv";
    }

    NativeDecoder.Frame decode(Path file, long maxFrameBytes) throws RenderException {
        return jni ? viaJni(file, maxFrameBytes) : viaGdcmconv(file, maxFrameBytes);
    }

    private NativeDecoder.Frame viaJni(Path file, long maxFrameBytes) throws RenderException {
        gdcm.ImageReader reader = new gdcm.ImageReader();
        reader.SetFileName(file.toString());
        if (!reader.Read()) {
            throw new RenderException("decode", "GDCM cannot read the file");
        }
        gdcm.Image image = reader.GetImage();
        int width = (int) image.GetDimension(0);
        int height = (int) image.GetDimension(1);
        gdcm.PixelFormat format = image.GetPixelFormat();
        int bitsAllocated = format.GetBitsAllocated();
        int samples = format.GetSamplesPerPixel();
        long total = image.GetBufferLength();
        long frameBytes = (long) width * height * Math.max(1, bitsAllocated / 8) * samples;
        if (total > maxFrameBytes * 4 || frameBytes > maxFrameBytes || frameBytes <= 0) {
            throw new RenderException("too-large", "GDCM decoded size " + total + " bytes exceeds the limit");
        }
        byte[] buffer = new byte[(int) total];
        if (!image.GetBuffer(buffer)) {
            throw new RenderException("decode", "GDCM failed to decode the pixel data");
        }
        String photometric =
                image.GetPhotometricInterpretation().GetString().trim().toUpperCase(Locale.ROOT);
        byte[] first = total == frameBytes ? buffer : Arrays.copyOf(buffer, (int) frameBytes);
        if (samples > 1 && image.GetPlanarConfiguration() == 1) {
            first = interleave(first, width * height, samples);
        }
        return new NativeDecoder.Frame(first, width, height, bitsAllocated, samples, photometric, "gdcm-jni");
    }

    private NativeDecoder.Frame viaGdcmconv(Path file, long maxFrameBytes) throws RenderException {
        Path out = file.resolveSibling(file.getFileName() + ".raw.dcm");
        try {
            Process p = new ProcessBuilder(gdcmconv, "--raw", file.toString(), out.toString())
                    .redirectErrorStream(true)
                    .start();
            byte[] output = p.getInputStream().readNBytes(4096);
            p.waitFor(); // the worker's own time limit bounds this
            if (p.exitValue() != 0 || !Files.exists(out)) {
                throw new RenderException(
                        "decode",
                        "gdcmconv failed (exit " + p.exitValue() + "): "
                                + new String(output, StandardCharsets.UTF_8).trim());
            }
            AttributeList list = new AttributeList();
            list.read(out.toFile());
            int width = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
            int height = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
            int bitsAllocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
            int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
            String photometric = Attribute.getSingleStringValueOrDefault(
                            list, TagFromName.PhotometricInterpretation, "")
                    .trim()
                    .toUpperCase(Locale.ROOT);
            long frameBytes = (long) width * height * Math.max(1, bitsAllocated / 8) * samples;
            if (frameBytes > maxFrameBytes || frameBytes <= 0) {
                throw new RenderException(
                        "too-large", "gdcmconv decoded size " + frameBytes + " bytes exceeds the limit");
            }
            Attribute px = list.get(TagFromName.PixelData);
            byte[] bytes;
            if (px == null) {
                throw new RenderException("decode", "gdcmconv produced no Pixel Data");
            } else if (bitsAllocated == 16) {
                short[] words = px.getShortValues();
                bytes = new byte[words.length * 2];
                for (int i = 0; i < words.length; i++) {
                    bytes[2 * i] = (byte) words[i];
                    bytes[2 * i + 1] = (byte) (words[i] >> 8);
                }
            } else {
                bytes = px.getByteValues();
            }
            byte[] first = Arrays.copyOf(bytes, (int) Math.min(bytes.length, frameBytes));
            if (samples > 1
                    && Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0) == 1) {
                first = interleave(first, width * height, samples);
            }
            return new NativeDecoder.Frame(first, width, height, bitsAllocated, samples, photometric, "gdcmconv");
        } catch (IOException | com.pixelmed.dicom.DicomException e) {
            throw new RenderException("decode", "gdcmconv output unreadable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderException("decode", "interrupted while decoding", e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // the worker's work folder is emptied when the pool starts
            }
        }
    }

    /** Colour-by-plane (RRR…GGG…BBB…) to colour-by-pixel (RGBRGB…), 8-bit samples. */
    private static byte[] interleave(byte[] planar, int pixels, int samples) {
        if (planar.length < pixels * samples) {
            return planar; // too short either way: the renderer reports the length
        }
        byte[] out = new byte[pixels * samples];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < pixels; i++) {
                out[i * samples + s] = planar[s * pixels + i];
            }
        }
        return out;
    }

    private boolean load() {
        try {
            System.loadLibrary("gdcmjni");
            return true;
        } catch (UnsatisfiedLinkError first) {
            try {
                if (gdcmLibrary != null && Files.exists(gdcmLibrary)) {
                    System.load(gdcmLibrary.toAbsolutePath().toString());
                    return true;
                }
            } catch (UnsatisfiedLinkError second) {
                System.err.println("GDCM JNI unavailable: " + second.getMessage());
            }
            return false;
        } catch (NoClassDefFoundError e) {
            return false;
        }
    }
}

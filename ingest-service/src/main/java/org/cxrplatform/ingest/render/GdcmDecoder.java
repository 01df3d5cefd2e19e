package org.cxrplatform.ingest.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.ingest.config.IngestConfig;
import org.jboss.logging.Logger;

/**
 * GDCM, the fallback decoder for what PixelMed's ImageIO codecs cannot decode (JPEG-LS, 12-bit
 * JPEG extended, RLE above 8 bits). Uses the Debian JNI binding ({@code libgdcm-java}) in-process
 * when its native library links; where it does not (for example when the binding's classes and
 * this class live in different class loaders, as under Quarkus test class loading), runs
 * {@code gdcmconv --raw} with a timeout instead. Both are the same real GDCM codecs.
 *
 * <p>Thread-safe.
 */
final class GdcmDecoder {

    private static final Logger LOG = Logger.getLogger(GdcmDecoder.class);
    private static volatile Boolean jniUsable;

    private final IngestConfig.Render settings;

    GdcmDecoder(IngestConfig.Render settings) {
        this.settings = settings;
    }

    /** A decoded first frame: little-endian raw samples as GDCM laid them out. */
    record Raw(byte[] bytes, int width, int height, int bitsAllocated, String via) {
    }

    /**
     * Decodes the first frame with GDCM JNI, or returns null when the JNI binding is unusable here
     * (the caller then uses {@link #toRawFile}).
     */
    Raw decodeFirstFrame(Path file) throws RenderException {
        if (!jniUsable()) {
            return null;
        }
        try {
            gdcm.ImageReader reader = new gdcm.ImageReader();
            reader.SetFileName(file.toString());
            if (!reader.Read()) {
                throw new RenderException("decode", "GDCM cannot read the file");
            }
            gdcm.Image image = reader.GetImage();
            int width = (int) image.GetDimension(0);
            int height = (int) image.GetDimension(1);
            int bitsAllocated = image.GetPixelFormat().GetBitsAllocated();
            long total = image.GetBufferLength();
            long frameBytes = (long) width * height * Math.max(1, bitsAllocated / 8) * image.GetPixelFormat().GetSamplesPerPixel();
            if (total > settings.maxFrameBytes() * 4 || frameBytes > settings.maxFrameBytes() || frameBytes <= 0) {
                throw new RenderException("too-large", "GDCM decoded size " + total + " bytes exceeds the limit");
            }
            byte[] buffer = new byte[(int) total];
            if (!image.GetBuffer(buffer)) {
                throw new RenderException("decode", "GDCM failed to decode the pixel data");
            }
            byte[] first = total == frameBytes ? buffer : java.util.Arrays.copyOf(buffer, (int) frameBytes);
            return new Raw(first, width, height, bitsAllocated, "gdcm-jni");
        } catch (UnsatisfiedLinkError e) {
            jniUsable = false;
            LOG.infof("GDCM JNI not linkable from this class loader (%s); using %s", e.getMessage(), settings.gdcmconv());
            return null;
        }
    }

    /** Writes {@code file} decompressed (explicit VR little endian) with {@code gdcmconv --raw}. */
    Path toRawFile(Path file) throws RenderException {
        Path out = file.resolveSibling(file.getFileName() + ".raw.dcm");
        try {
            Process p = new ProcessBuilder(settings.gdcmconv(), "--raw", file.toString(), out.toString())
                    .redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new RenderException("decode", "gdcmconv timed out");
            }
            if (p.exitValue() != 0 || !Files.exists(out)) {
                Files.deleteIfExists(out);
                throw new RenderException("decode", "gdcmconv failed: " + new String(output, StandardCharsets.UTF_8).trim());
            }
            return out;
        } catch (IOException e) {
            throw new RenderException("decode", "cannot run " + settings.gdcmconv() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderException("decode", "interrupted while decoding", e);
        }
    }

    private boolean jniUsable() {
        Boolean usable = jniUsable;
        if (usable == null) {
            synchronized (GdcmDecoder.class) {
                if (jniUsable == null) {
                    jniUsable = load();
                }
                usable = jniUsable;
            }
        }
        return usable;
    }

    private boolean load() {
        try {
            System.loadLibrary("gdcmjni");
            return true;
        } catch (UnsatisfiedLinkError first) {
            try {
                if (settings.gdcmLibrary() != null && Files.exists(settings.gdcmLibrary())) {
                    System.load(settings.gdcmLibrary().toAbsolutePath().toString());
                    return true;
                }
            } catch (UnsatisfiedLinkError second) {
                LOG.infof("GDCM JNI unavailable: %s", second.getMessage());
            }
            return false;
        } catch (NoClassDefFoundError e) {
            return false;
        }
    }
}

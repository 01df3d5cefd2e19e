package org.cxrplatform.devstack.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Re-encodes DICOM files into other transfer syntaxes with the real tools routers' peers use:
 * DCMTK ({@code dcmconv}, {@code dcmcjpeg}, {@code dcmcjpls}, {@code dcmcrle}) and GDCM
 * ({@code gdcmconv}). Lets tests and demos cover every syntax without committing binaries.
 *
 * <pre>{@code
 * Path jls = SampleTranscoder.transcode(sample.file(), SampleTranscoder.Syntax.JPEG_LS, outDir);
 * }</pre>
 */
public final class SampleTranscoder {

    /** The syntaxes the tools produce, with the UID a file in that syntax carries. */
    public enum Syntax {
        EXPLICIT_LE("1.2.840.10008.1.2.1", "dcmconv", "+te"),
        IMPLICIT_LE("1.2.840.10008.1.2", "dcmconv", "+ti"),
        EXPLICIT_BE("1.2.840.10008.1.2.2", "dcmconv", "+tb"),
        DEFLATE("1.2.840.10008.1.2.1.99", "dcmconv", "+td"),
        /** JPEG lossless, first-order prediction (process 14 SV1): 12- and 16-bit friendly. */
        JPEG_LOSSLESS("1.2.840.10008.1.2.4.70", "dcmcjpeg", "+e1"),
        /** JPEG extended (process 2 and 4), lossy 12-bit: PixelMed's JDK JPEG reader cannot decode it. */
        JPEG_EXTENDED_12BIT("1.2.840.10008.1.2.4.51", "dcmcjpeg", "+ee", "+un"), // keep the SOP Instance UID
        JPEG_LS("1.2.840.10008.1.2.4.80", "dcmcjpls", "+el"),
        RLE("1.2.840.10008.1.2.5", "dcmcrle"),
        JPEG2000("1.2.840.10008.1.2.4.91", "gdcmconv", "--j2k");

        public final String uid;
        final String tool;
        final String[] options;

        Syntax(String uid, String tool, String... options) {
            this.uid = uid;
            this.tool = tool;
            this.options = options;
        }
    }

    private SampleTranscoder() {}

    /** Whether the tool that makes {@code syntax} is installed. */
    public static boolean available(Syntax syntax) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, syntax.tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes {@code in} re-encoded as {@code syntax} into {@code outDir} (same file name, the
     * syntax appended) and returns the new file.
     *
     * @throws IllegalStateException when the tool fails, with its output
     */
    public static Path transcode(Path in, Syntax syntax, Path outDir) {
        try {
            Files.createDirectories(outDir);
            String name = in.getFileName().toString().replaceFirst("\\.dcm$", "");
            Path out = outDir.resolve(name + "." + syntax.name().toLowerCase().replace('_', '-') + ".dcm");
            List<String> cmd = new ArrayList<>();
            cmd.add(syntax.tool);
            cmd.addAll(List.of(syntax.options));
            cmd.add(in.toString());
            cmd.add(out.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " timed out");
            }
            if (p.exitValue() != 0 || !Files.exists(out)) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + output);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + syntax.tool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

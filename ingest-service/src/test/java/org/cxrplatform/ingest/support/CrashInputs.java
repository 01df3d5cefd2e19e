package org.cxrplatform.ingest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cxrplatform.devstack.samples.SampleTranscoder;

/**
 * Inputs that crash native decoders for real (issue 14): a JPEG 2000 instance whose Columns (0028,0011)
 * says 1 while its code stream holds the whole image. Debian's GDCM 3.0 / OpenJPEG 2.5 die on it
 * ({@code gdcmconv --raw} ends with SIGSEGV or glibc's "malloc(): invalid size" abort, depending on the
 * image); the Java JPEG 2000 codec decodes the real size, which the renderer refuses, so GDCM gets it next.
 */
public final class CrashInputs {

    private CrashInputs() {}

    /** {@code sample} re-encoded as JPEG 2000 lossless (gdcmconv) with Columns set to 1 (dcmodify), as {@code out}. */
    public static Path jpeg2000WithColumnsOne(Path sample, Path out) {
        Path j2k = SampleTranscoder.transcode(
                sample, SampleTranscoder.Syntax.JPEG2000, out.resolveSibling(out.getFileName() + ".j2k"));
        try {
            Files.move(j2k, out);
            Commands.run(java.util.List.of("dcmodify", "-nb", "-m", "(0028,0011)=1", out.toString()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.cxrplatform.ingest.render;

import java.nio.file.Path;

/**
 * Decodes the first frame of what the pure-Java codecs could not, and of JPEG 2000 (faster than them), with native
 * code (GDCM and the libraries under it). The service's implementation runs it in worker processes, so a native
 * crash or hang costs the one instance ({@code decoder-crashed}, {@code decoder-timeout}).
 */
public interface NativeDecoder {

    /**
     * A decoded first frame: samples as the native decoder laid them out, little endian,
     * colour-by-pixel (planar configuration 0).
     *
     * @param photometric the photometric interpretation of the decoded samples (a decoder may turn
     *                    YBR into RGB while decompressing)
     * @param via         which decoder produced it, for the log and the decode timer
     */
    record Frame(
            byte[] bytes,
            int width,
            int height,
            int bitsAllocated,
            int samplesPerPixel,
            String photometric,
            String via) {}

    /**
     * @throws RenderException the file cannot be decoded ({@code decode}, {@code too-large}), the decoder died or
     *                         overran its time ({@code decoder-crashed}, {@code decoder-timeout}), or no decoder could
     *                         be started ({@link #UNAVAILABLE}: not the instance's fault)
     */
    Frame decodeFirstFrame(Path file) throws RenderException, InterruptedException;

    /** Code of the failure that is the platform's, not the instance's: the caller answers "retry later". */
    String UNAVAILABLE = "decoder-unavailable";
}

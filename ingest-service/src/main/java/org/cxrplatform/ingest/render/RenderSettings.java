package org.cxrplatform.ingest.render;

import java.nio.file.Path;

/**
 * Rendering limits.
 *
 * @param maxEdge        longest edge of the PNG; larger images are area-averaged down (the model reads 512)
 * @param maxPixels      largest Rows x Columns decoded; above it the instance is refused before any decoding
 * @param maxDimension   largest Rows or Columns
 * @param maxFrameBytes  largest decoded first frame (guards decompression bombs in the GDCM fallback)
 * @param gdcmLibrary    absolute path of libgdcmjni.so, tried when System.loadLibrary("gdcmjni") fails
 * @param gdcmconv       the gdcmconv executable, the last-resort decoder when the JNI binding cannot be used
 */
public record RenderSettings(int maxEdge, long maxPixels, int maxDimension, long maxFrameBytes, Path gdcmLibrary,
                             String gdcmconv) {

    public static RenderSettings defaults() {
        return new RenderSettings(1024, 50_000_000L, 16_384, 200L * 1024 * 1024,
                Path.of("/usr/lib/x86_64-linux-gnu/jni/libgdcmjni.so"), "gdcmconv");
    }

    public RenderSettings {
        if (maxEdge < 64) {
            throw new IllegalArgumentException("cxr.ingest.render.max-edge must be >= 64, was " + maxEdge);
        }
    }
}

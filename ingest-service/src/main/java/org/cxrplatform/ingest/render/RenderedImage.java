package org.cxrplatform.ingest.render;

/**
 * The model input: an 8-bit greyscale PNG.
 *
 * @param png            PNG bytes
 * @param width          pixels
 * @param height         pixels
 * @param voi            which VOI transform was applied (for the log and tests): "voi-lut", "window", "percentile"
 * @param decoder        which decoder produced the pixels: "native", "pixelmed", "gdcm-jni", "gdcmconv"
 */
public record RenderedImage(byte[] png, int width, int height, String voi, String decoder) {}

package org.cxrplatform.llava.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * The reference's image preprocessing: 8-bit greyscale only; shortest edge to S with PIL LANCZOS,
 * the other edge {@code int(S * long / short)}; centre crop S×S; {@code (x / 255 - mean) / std}.
 */
public final class CxrPreprocessor {

    private final int imageSize;
    private final float mean;
    private final float std;

    public CxrPreprocessor(int imageSize, float mean, float std) {
        this.imageSize = imageSize;
        this.mean = mean;
        this.std = std;
    }

    /** The image's pixels, row-major; refuses anything but 8-bit single-channel greyscale. */
    public static byte[] greyPixels(BufferedImage image) {
        if (image == null) {
            throw new IllegalArgumentException("no image");
        }
        Raster raster = image.getRaster();
        int bits = image.getColorModel().getComponentSize(0);
        if (image.getType() != BufferedImage.TYPE_BYTE_GRAY || raster.getNumBands() != 1 || bits != 8) {
            throw new IllegalArgumentException("CXR-LLaVA takes 8-bit greyscale images only, got " + describe(image)
                    + "; render DICOM/16-bit images to 8 bits (modality LUT, VOI window) first");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h];
        raster.getDataElements(0, 0, w, h, out); // TYPE_BYTE_GRAY: one byte per pixel, any raster offset
        return out;
    }

    private static String describe(BufferedImage image) {
        return image.getColorModel().getNumComponents() + " channel(s) of "
                + image.getColorModel().getComponentSize(0) + " bit(s), BufferedImage type " + image.getType();
    }

    /** 8-bit greyscale pixels, row-major, and their size. */
    public record Resized(byte[] pixels, int width, int height) {}

    /**
     * The reference's resize alone: shortest edge to {@code s} with Pillow's LANCZOS, the other edge
     * {@code int(s * long / short)}. An image whose shortest edge is already {@code s} comes back unchanged, so a
     * producer that applies this (ingest, at the full resolution it renders) leaves {@link #resizeAndCrop} nothing
     * to resize: the model input stays bit-identical to the reference's.
     */
    public static Resized resizeShortestEdge(byte[] pixels, int width, int height, int s) {
        int outW;
        int outH;
        if (width <= height) {
            outW = s;
            outH = (int) ((long) s * height / width);
        } else {
            outH = s;
            outW = (int) ((long) s * width / height);
        }
        return new Resized(PilLanczos.resize(pixels, width, height, outW, outH), outW, outH);
    }

    /** Resize + centre crop, as 8-bit pixels {@code S*S} (what the reference saves as resized_cropped.png). */
    public byte[] resizeAndCrop(byte[] pixels, int width, int height) {
        int s = imageSize;
        Resized resized = resizeShortestEdge(pixels, width, height, s);
        int top = (resized.height() - s) / 2;
        int left = (resized.width() - s) / 2;
        byte[] out = new byte[s * s];
        for (int y = 0; y < s; y++) {
            System.arraycopy(resized.pixels(), (y + top) * resized.width() + left, out, y * s, s);
        }
        return out;
    }

    /** Normalised float32 pixel values, {@code S*S} row-major (one channel). */
    public float[] normalize(byte[] cropped) {
        float[] out = new float[cropped.length];
        for (int i = 0; i < cropped.length; i++) {
            float x = (cropped[i] & 0xff) / 255.0f;
            out[i] = (x - mean) / std;
        }
        return out;
    }

    /** The whole pipeline: BufferedImage → pixel_values [S*S]. */
    public float[] pixelValues(BufferedImage image) {
        byte[] grey = greyPixels(image);
        return normalize(resizeAndCrop(grey, image.getWidth(), image.getHeight()));
    }

    public int imageSize() {
        return imageSize;
    }
}

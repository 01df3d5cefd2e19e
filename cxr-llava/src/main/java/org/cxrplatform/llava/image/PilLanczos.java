package org.cxrplatform.llava.image;

/**
 * Pillow's 8-bit LANCZOS resize ({@code Image.resize(size, Image.LANCZOS)} on mode "L"), ported
 * from libImaging/Resample.c: per-output-pixel coefficients of a 3-lobe windowed sinc whose support
 * is scaled by the reduction factor, normalised, converted to fixed point with 22 fractional bits,
 * a horizontal pass over the source rows the vertical pass needs, then a vertical pass, each pass
 * rounded and clipped to 0..255. Bit-identical to Pillow.
 */
public final class PilLanczos {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 3.0;

    private PilLanczos() {}

    /** Coefficients of one pass: per output pixel the first source index, the count and the weights. */
    private record Coeffs(int ksize, int[] bounds, int[] kk) {}

    /**
     * Resizes an 8-bit greyscale image.
     *
     * @param src row-major pixels, {@code width * height}, values 0..255
     * @return row-major pixels of {@code outWidth * outHeight}
     */
    public static byte[] resize(byte[] src, int width, int height, int outWidth, int outHeight) {
        if (src.length != width * height) {
            throw new IllegalArgumentException("pixel buffer of " + src.length + " bytes for " + width + "x" + height);
        }
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive: " + outWidth + "x" + outHeight);
        }
        boolean needHorizontal = outWidth != width;
        boolean needVertical = outHeight != height;
        Coeffs horiz = precompute(width, 0, width, outWidth);
        Coeffs vert = precompute(height, 0, height, outHeight);

        byte[] img = src;
        int imgW = width;
        int imgH = height;
        if (needHorizontal) {
            // Only the source rows the vertical pass reads.
            int yFirst = vert.bounds[0];
            int yLast = vert.bounds[outHeight * 2 - 2] + vert.bounds[outHeight * 2 - 1];
            for (int i = 0; i < outHeight; i++) {
                vert.bounds[i * 2] -= yFirst;
            }
            int tmpH = yLast - yFirst;
            byte[] tmp = new byte[outWidth * tmpH];
            for (int yy = 0; yy < tmpH; yy++) {
                int rowIn = (yy + yFirst) * width;
                int rowOut = yy * outWidth;
                for (int xx = 0; xx < outWidth; xx++) {
                    int xmin = horiz.bounds[xx * 2];
                    int xmax = horiz.bounds[xx * 2 + 1];
                    int k = xx * horiz.ksize;
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < xmax; x++) {
                        ss += (src[rowIn + x + xmin] & 0xff) * horiz.kk[k + x];
                    }
                    tmp[rowOut + xx] = clip8(ss);
                }
            }
            img = tmp;
            imgW = outWidth;
            imgH = tmpH;
        }
        if (needVertical) {
            byte[] out = new byte[imgW * outHeight];
            for (int yy = 0; yy < outHeight; yy++) {
                int k = yy * vert.ksize;
                int ymin = vert.bounds[yy * 2];
                int ymax = vert.bounds[yy * 2 + 1];
                for (int xx = 0; xx < imgW; xx++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int y = 0; y < ymax; y++) {
                        ss += (img[(y + ymin) * imgW + xx] & 0xff) * vert.kk[k + y];
                    }
                    out[yy * imgW + xx] = clip8(ss);
                }
            }
            return out;
        }
        return img == src ? src.clone() : img;
    }

    private static byte clip8(int in) {
        if (in >= (1 << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (in <= 0) {
            return 0;
        }
        return (byte) (in >> PRECISION_BITS);
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return StrictMath.sin(x) / x;
    }

    private static double lanczos(double x) {
        if (-3.0 <= x && x < 3.0) {
            return sinc(x) * sinc(x / 3);
        }
        return 0.0;
    }

    private static Coeffs precompute(int inSize, float in0, float in1, int outSize) {
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = scale < 1.0 ? 1.0 : scale;
        double support = SUPPORT * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        double[] kk = new double[outSize * ksize];
        int[] bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            int k = xx * ksize;
            for (int x = 0; x < xmax; x++) {
                double w = lanczos((x + xmin - center + 0.5) * ss);
                kk[k + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    kk[k + x] /= ww;
                }
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        // normalize_coeffs_8bpc: to fixed point, rounding half away from zero.
        int[] fixed = new int[kk.length];
        for (int i = 0; i < kk.length; i++) {
            fixed[i] = kk[i] < 0
                    ? (int) (-0.5 + kk[i] * (1 << PRECISION_BITS))
                    : (int) (0.5 + kk[i] * (1 << PRECISION_BITS));
        }
        return new Coeffs(ksize, bounds, fixed);
    }
}

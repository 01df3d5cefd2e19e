package org.cxrplatform.ingest.render;

/**
 * Downscaling by area averaging (each output pixel is the coverage-weighted mean of the source
 * pixels under it): no aliasing of rib edges and noise, deterministic, separable.
 */
final class AreaAverage {

    private AreaAverage() {}

    static byte[] resize(byte[] src, int w, int h, int dw, int dh) {
        float[] rows = new float[dw * h];
        for (int y = 0; y < h; y++) {
            resample(src, y * w, 1, w, rows, y * dw, 1, dw);
        }
        float[] cols = new float[dw * dh];
        for (int x = 0; x < dw; x++) {
            resampleFloat(rows, x, dw, h, cols, x, dw, dh);
        }
        byte[] out = new byte[dw * dh];
        for (int i = 0; i < out.length; i++) {
            int v = Math.round(cols[i]);
            out[i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
        }
        return out;
    }

    private static void resample(byte[] src, int off, int stride, int n, float[] dst, int doff, int dstride, int dn) {
        double scale = (double) n / dn;
        for (int i = 0; i < dn; i++) {
            double start = i * scale;
            double end = start + scale;
            double sum = 0;
            for (int s = (int) start; s < Math.min(n, (int) Math.ceil(end)); s++) {
                double cover = Math.min(end, s + 1) - Math.max(start, s);
                sum += cover * (src[off + s * stride] & 0xff);
            }
            dst[doff + i * dstride] = (float) (sum / scale);
        }
    }

    private static void resampleFloat(
            float[] src, int off, int stride, int n, float[] dst, int doff, int dstride, int dn) {
        double scale = (double) n / dn;
        for (int i = 0; i < dn; i++) {
            double start = i * scale;
            double end = start + scale;
            double sum = 0;
            for (int s = (int) start; s < Math.min(n, (int) Math.ceil(end)); s++) {
                double cover = Math.min(end, s + 1) - Math.max(start, s);
                sum += cover * src[off + s * stride];
            }
            dst[doff + i * dstride] = (float) (sum / scale);
        }
    }
}

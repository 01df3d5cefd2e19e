package org.cxrplatform.evaluation.scoring;

/**
 * A 2×2 confusion matrix for one finding, with the usual figures. A figure whose denominator is
 * zero is undefined and returned as {@code null} (printed "n/a"), never silently 0 or 1.
 */
public record Confusion(int tp, int fp, int fn, int tn) {

    public static Confusion of(boolean[] truth, boolean[] predicted) {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i]) {
                if (predicted[i]) tp++;
                else fn++;
            } else {
                if (predicted[i]) fp++;
                else tn++;
            }
        }
        return new Confusion(tp, fp, fn, tn);
    }

    /** Studies whose label is positive. */
    public int support() {
        return tp + fn;
    }

    public int total() {
        return tp + fp + fn + tn;
    }

    /** tp / (tp + fp); null when nothing was predicted positive. */
    public Double precision() {
        return ratio(tp, tp + fp);
    }

    /** tp / (tp + fn); null when no label is positive. */
    public Double recall() {
        return ratio(tp, tp + fn);
    }

    /** 2tp / (2tp + fp + fn); null only when there is neither a positive label nor a positive prediction. */
    public Double f1() {
        return ratio(2 * tp, 2 * tp + fp + fn);
    }

    private static Double ratio(int num, int den) {
        return den == 0 ? null : (double) num / den;
    }
}

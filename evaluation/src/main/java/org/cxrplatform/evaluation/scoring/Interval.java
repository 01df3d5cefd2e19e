package org.cxrplatform.evaluation.scoring;

/** A two-sided bootstrap percentile interval; both bounds null when no replicate was defined. */
public record Interval(Double low, Double high) {
    public static final Interval NONE = new Interval(null, null);
}

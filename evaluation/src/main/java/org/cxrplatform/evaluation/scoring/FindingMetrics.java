package org.cxrplatform.evaluation.scoring;

import org.cxrplatform.contracts.findings.Finding;

/** The figures of one finding under one uncertain policy. */
public record FindingMetrics(
        Finding finding,
        String column,
        Confusion confusion,
        int support,
        int excluded,
        Double precision,
        Double recall,
        Double f1,
        Interval precisionCi,
        Interval recallCi,
        Interval f1Ci) {}

package org.cxrplatform.evaluation.scoring;

import java.util.List;
import org.cxrplatform.contracts.findings.Finding;

/**
 * Unweighted mean over a set of findings of each finding's figure; findings whose figure is
 * undefined (see {@link Confusion}) are left out of that mean and listed in {@code undefined}.
 */
public record MacroMetrics(
        String name,
        List<Finding> findings,
        Double precision,
        Double recall,
        Double f1,
        Interval f1Ci,
        List<Finding> undefined) {}

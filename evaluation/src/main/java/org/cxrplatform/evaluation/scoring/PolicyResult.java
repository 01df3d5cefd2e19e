package org.cxrplatform.evaluation.scoring;

import java.util.List;

/** Everything scored under one uncertain policy. */
public record PolicyResult(
        UncertainPolicy policy,
        String policyLabel,
        List<FindingMetrics> findings,
        MacroMetrics macroPaperSix,
        MacroMetrics macroAllSeven) {}

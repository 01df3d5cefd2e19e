package org.cxrplatform.evaluation.scoring;

import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.evaluation.labels.LabelledStudy;

/** A labelled study with what the findings extractor read in the model's report. */
public record ScoredStudy(LabelledStudy labelled, Map<Finding, FindingState> predicted) {
    public ScoredStudy {
        predicted = Map.copyOf(predicted);
    }

    public FindingState state(Finding f) {
        return predicted.getOrDefault(f, FindingState.NOT_MENTIONED);
    }
}

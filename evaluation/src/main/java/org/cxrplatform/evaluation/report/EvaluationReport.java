package org.cxrplatform.evaluation.report;

import java.util.List;
import org.cxrplatform.evaluation.labeler.ExtractorQuality;
import org.cxrplatform.evaluation.scoring.PolicyResult;

/** Everything {@code metrics.json} holds; the text summary and the HTML are drawn from it. */
public record EvaluationReport(
        Settings settings,
        List<String> conventions,
        int studies,
        List<String> leftOut,
        List<String> findingsNotInLabels,
        List<PolicyResult> results,
        PaperComparison paper,
        List<ExtractorQuality.Result> labeler) {

    /** How the run was made (file names, not paths: outputs do not depend on where they are). */
    public record Settings(
            String labelsFile,
            String keyColumn,
            String reportSource,
            String dataset,
            List<String> uncertainPolicies,
            String blankLabels,
            int bootstrapReplicates,
            long seed) {}
}

package org.cxrplatform.evaluation.labels;

import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;

/**
 * One row of the labels file.
 *
 * @param id     the row's key as written (a path, a dicom_id or a study_id)
 * @param labels one cell per finding; findings without a column in the file are {@link GroundTruth#BLANK}
 */
public record LabelledStudy(String id, Map<Finding, GroundTruth> labels) {
    public LabelledStudy {
        labels = Map.copyOf(labels);
    }

    public GroundTruth label(Finding f) {
        return labels.getOrDefault(f, GroundTruth.BLANK);
    }
}

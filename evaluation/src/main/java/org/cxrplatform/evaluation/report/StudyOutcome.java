package org.cxrplatform.evaluation.report;

import java.util.List;
import java.util.Map;

/**
 * One line of {@code studies.jsonl}: what the model wrote for a study, what the extractor read in
 * it, the labels, and per uncertain policy the findings on which they disagree.
 *
 * @param labels      per CheXpert column: "1", "0", "-1" or "" (blank)
 * @param predicted   per CheXpert column: PRESENT, ABSENT, UNCERTAIN or NOT_MENTIONED
 * @param disagreements per policy label ("uncertain-as-positive"...): the CheXpert columns where
 *                    the binary label and the binary prediction differ
 */
public record StudyOutcome(
        String id,
        String image,
        String report,
        Map<String, String> labels,
        Map<String, String> predicted,
        Map<String, List<String>> disagreements) {}

package org.cxrplatform.evaluation.scoring;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.evaluation.labels.GroundTruth;
import org.cxrplatform.evaluation.labels.LabelledStudy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scoring cost at MIMIC-CXR test-split scale: prints numbers, asserts none. Excluded from the
 * default build; run with
 * {@code mvn -B -o -pl evaluation test -Devaluation.excludedGroups=none -Dtest=ScoringBenchmark}.
 */
@Tag("benchmark")
class ScoringBenchmark {

    @Test
    void scoreFiveThousandStudiesWithAThousandResamples() {
        Random r = new Random(1);
        GroundTruth[] g = GroundTruth.values();
        FindingState[] s = FindingState.values();
        List<ScoredStudy> studies = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Map<Finding, GroundTruth> labels = new EnumMap<>(Finding.class);
            Map<Finding, FindingState> predicted = new EnumMap<>(Finding.class);
            for (Finding f : Finding.values()) {
                labels.put(f, g[r.nextInt(g.length)]);
                predicted.put(f, s[r.nextInt(s.length)]);
            }
            studies.add(new ScoredStudy(new LabelledStudy("s" + i, labels), predicted));
        }
        Scorer scorer = new Scorer(BlankPolicy.NEGATIVE, 1000, 7);
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (UncertainPolicy p : UncertainPolicy.values()) scorer.score(studies, EnumSet.allOf(Finding.class), p);
            System.out.printf(
                    "scoring 5000 studies x 7 findings x 2 policies, 1000 bootstrap resamples: %.0f ms%n",
                    (System.nanoTime() - t0) / 1e6);
        }
    }
}

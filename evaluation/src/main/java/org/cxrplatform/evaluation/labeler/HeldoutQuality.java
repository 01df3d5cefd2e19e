package org.cxrplatform.evaluation.labeler;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.evaluation.scoring.BlankPolicy;
import org.cxrplatform.evaluation.scoring.Confusion;
import org.cxrplatform.evaluation.scoring.PolicyResult;
import org.cxrplatform.evaluation.scoring.ScoredStudy;
import org.cxrplatform.evaluation.scoring.Scorer;
import org.cxrplatform.evaluation.scoring.UncertainPolicy;
import org.cxrplatform.findings.CriticalFindingRule;

/**
 * The findings extractor on a {@link HeldoutSet}. Reports and sentences are scored exactly as
 * {@code evaluate --reports --labels} scores a model (label 1 / PRESENT positive, blank negative,
 * uncertain per policy on both sides), under both uncertain policies; the alert corpus is scored
 * with the platform's {@link CriticalFindingRule} for pneumothorax, the rule the alert path uses.
 */
public final class HeldoutQuality {

    /** Alert precision and recall, and for each corpus category how many of its sentences were decided wrongly. */
    public record Alerts(Confusion confusion, Map<String, int[]> wrongOfTotalByCategory) {}

    public record Result(List<PolicyResult> reports, List<PolicyResult> sentences, Alerts alerts) {}

    private HeldoutQuality() {}

    public static Result measure(HeldoutSet set, ReportLabeler labeler, int bootstrap, long seed) {
        Scorer scorer = new Scorer(BlankPolicy.NEGATIVE, bootstrap, seed);
        return new Result(score(scorer, set.reports(), labeler), score(scorer, set.sentences(), labeler), alerts(set));
    }

    private static List<PolicyResult> score(Scorer scorer, List<HeldoutSet.Text> texts, ReportLabeler labeler) {
        List<ScoredStudy> scored = texts.stream()
                .map(t -> new ScoredStudy(t.labelled(), labeler.label(t.text())))
                .toList();
        List<PolicyResult> results = new ArrayList<>();
        for (UncertainPolicy policy : List.of(UncertainPolicy.NEGATIVE, UncertainPolicy.POSITIVE)) {
            results.add(scorer.score(scored, EnumSet.allOf(Finding.class), policy));
        }
        return List.copyOf(results);
    }

    private static Alerts alerts(HeldoutSet set) {
        boolean[] truth = new boolean[set.alerts().size()];
        boolean[] raised = new boolean[truth.length];
        Map<String, int[]> byCategory = new TreeMap<>();
        for (int i = 0; i < truth.length; i++) {
            HeldoutSet.AlertCase c = set.alerts().get(i);
            truth[i] = c.alert();
            raised[i] = CriticalFindingRule.alert(Finding.PNEUMOTHORAX, c.sentence())
                    .isPresent();
            int[] counts =
                    byCategory.computeIfAbsent((c.alert() ? "alert/" : "no alert/") + c.category(), k -> new int[2]);
            counts[1]++;
            if (truth[i] != raised[i]) counts[0]++;
        }
        return new Alerts(Confusion.of(truth, raised), byCategory);
    }
}

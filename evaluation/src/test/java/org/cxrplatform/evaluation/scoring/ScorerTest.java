package org.cxrplatform.evaluation.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.evaluation.labels.GroundTruth;
import org.cxrplatform.evaluation.labels.LabelledStudy;
import org.junit.jupiter.api.Test;

class ScorerTest {

    /** n studies with one finding: label and predicted state per study. */
    private static List<ScoredStudy> studies(Finding f, GroundTruth[] labels, FindingState[] predicted) {
        List<ScoredStudy> out = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            Map<Finding, GroundTruth> l = new EnumMap<>(Finding.class);
            l.put(f, labels[i]);
            out.add(new ScoredStudy(new LabelledStudy("s" + i, l), Map.of(f, predicted[i])));
        }
        return out;
    }

    private static GroundTruth[] repeat(GroundTruth g, int n) {
        GroundTruth[] a = new GroundTruth[n];
        java.util.Arrays.fill(a, g);
        return a;
    }

    @Test
    void figuresFollowTheDefinitions() {
        // TP 3, FP 1, FN 2, TN 4
        GroundTruth P = GroundTruth.POSITIVE, N = GroundTruth.NEGATIVE;
        FindingState Y = FindingState.PRESENT, A = FindingState.ABSENT, M = FindingState.NOT_MENTIONED;
        List<ScoredStudy> s =
                studies(Finding.CARDIOMEGALY, new GroundTruth[] {P, P, P, N, P, P, N, N, N, N}, new FindingState[] {
                    Y, Y, Y, Y, A, M, A, M, M, A
                });
        PolicyResult r = new Scorer(BlankPolicy.NEGATIVE, 0, 1)
                .score(s, EnumSet.of(Finding.CARDIOMEGALY), UncertainPolicy.POSITIVE);
        FindingMetrics m = r.findings().get(0);
        assertThat(m.confusion()).isEqualTo(new Confusion(3, 1, 2, 4));
        assertThat(m.support()).isEqualTo(5);
        assertThat(m.precision()).isEqualTo(0.75);
        assertThat(m.recall()).isEqualTo(0.6);
        assertThat(m.f1()).isCloseTo(6.0 / 9.0, within(1e-12));
        assertThat(m.f1Ci()).isEqualTo(Interval.NONE);
    }

    @Test
    void uncertainFollowsThePolicyOnBothSides() {
        GroundTruth U = GroundTruth.UNCERTAIN, P = GroundTruth.POSITIVE, N = GroundTruth.NEGATIVE;
        FindingState u = FindingState.UNCERTAIN, m = FindingState.NOT_MENTIONED, y = FindingState.PRESENT;
        // (-1,U) (-1,NM) (1,U) (0,U) (-1,PRESENT)
        List<ScoredStudy> s = studies(
                Finding.PLEURAL_EFFUSION, new GroundTruth[] {U, U, P, N, U}, new FindingState[] {u, m, u, u, y});
        Scorer scorer = new Scorer(BlankPolicy.NEGATIVE, 0, 1);
        assertThat(scorer.score(s, EnumSet.of(Finding.PLEURAL_EFFUSION), UncertainPolicy.POSITIVE)
                        .findings()
                        .get(0)
                        .confusion())
                .isEqualTo(new Confusion(3, 1, 1, 0));
        assertThat(scorer.score(s, EnumSet.of(Finding.PLEURAL_EFFUSION), UncertainPolicy.NEGATIVE)
                        .findings()
                        .get(0)
                        .confusion())
                .isEqualTo(new Confusion(0, 1, 1, 3));
    }

    @Test
    void blankIsNegativeOrExcluded() {
        GroundTruth B = GroundTruth.BLANK, P = GroundTruth.POSITIVE;
        FindingState y = FindingState.PRESENT, m = FindingState.NOT_MENTIONED;
        List<ScoredStudy> s =
                studies(Finding.PNEUMONIA, new GroundTruth[] {B, B, B, P}, new FindingState[] {y, m, m, y});
        FindingMetrics negative = new Scorer(BlankPolicy.NEGATIVE, 0, 1)
                .score(s, EnumSet.of(Finding.PNEUMONIA), UncertainPolicy.POSITIVE)
                .findings()
                .get(0);
        FindingMetrics excluded = new Scorer(BlankPolicy.EXCLUDE, 0, 1)
                .score(s, EnumSet.of(Finding.PNEUMONIA), UncertainPolicy.POSITIVE)
                .findings()
                .get(0);
        assertThat(negative.confusion()).isEqualTo(new Confusion(1, 1, 0, 2));
        assertThat(excluded.confusion()).isEqualTo(new Confusion(1, 0, 0, 0));
        assertThat(excluded.excluded()).isEqualTo(3);
    }

    @Test
    void undefinedFiguresAreNullAndLeftOutOfTheMacro() {
        List<ScoredStudy> s = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Map<Finding, GroundTruth> l = new EnumMap<>(Finding.class);
            l.put(Finding.PNEUMOTHORAX, GroundTruth.NEGATIVE); // never positive, never predicted
            l.put(Finding.CARDIOMEGALY, i < 2 ? GroundTruth.POSITIVE : GroundTruth.NEGATIVE);
            s.add(new ScoredStudy(
                    new LabelledStudy("s" + i, l),
                    Map.of(Finding.CARDIOMEGALY, i == 0 ? FindingState.PRESENT : FindingState.ABSENT)));
        }
        PolicyResult r = new Scorer(BlankPolicy.NEGATIVE, 0, 1)
                .score(s, EnumSet.of(Finding.PNEUMOTHORAX, Finding.CARDIOMEGALY), UncertainPolicy.POSITIVE);
        FindingMetrics ptx = r.findings().stream()
                .filter(m -> m.finding() == Finding.PNEUMOTHORAX)
                .findFirst()
                .orElseThrow();
        assertThat(ptx.precision()).isNull();
        assertThat(ptx.recall()).isNull();
        assertThat(ptx.f1()).isNull();
        // cardiomegaly: TP1 FN1 → F1 2/3; the macro is over cardiomegaly only
        assertThat(r.macroPaperSix().f1()).isCloseTo(2.0 / 3.0, within(1e-12));
        assertThat(r.macroPaperSix().undefined()).containsExactly(Finding.PNEUMOTHORAX);
        assertThat(r.macroPaperSix().findings()).containsExactly(Finding.CARDIOMEGALY, Finding.PNEUMOTHORAX);
    }

    @Test
    void percentileMatchesNumpyLinear() {
        // numpy.percentile([0.1,0.4,0.35,0.8,0.5,0.9,0.2], [2.5, 97.5]) = 0.115, 0.885
        double[] a = {0.1, 0.2, 0.35, 0.4, 0.5, 0.8, 0.9};
        assertThat(Scorer.percentile(a, 0.025)).isCloseTo(0.115, within(1e-12));
        assertThat(Scorer.percentile(a, 0.975)).isCloseTo(0.885, within(1e-12));
        // numpy.percentile([1,2,3], [2.5, 97.5]) = 1.05, 2.95
        assertThat(Scorer.percentile(new double[] {1, 2, 3}, 0.025)).isCloseTo(1.05, within(1e-12));
        assertThat(Scorer.percentile(new double[] {1, 2, 3}, 0.975)).isCloseTo(2.95, within(1e-12));
    }

    @Test
    void bootstrapIsSeededAndBracketsThePointEstimate() {
        int n = 200;
        GroundTruth[] labels = new GroundTruth[n];
        FindingState[] predicted = new FindingState[n];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            boolean truth = r.nextDouble() < 0.3;
            boolean right = r.nextDouble() < 0.8;
            labels[i] = truth ? GroundTruth.POSITIVE : GroundTruth.NEGATIVE;
            predicted[i] = (truth == right) ? FindingState.PRESENT : FindingState.ABSENT;
        }
        List<ScoredStudy> s = studies(Finding.PLEURAL_EFFUSION, labels, predicted);
        EnumSet<Finding> cols = EnumSet.of(Finding.PLEURAL_EFFUSION);
        FindingMetrics a = new Scorer(BlankPolicy.NEGATIVE, 500, 42)
                .score(s, cols, UncertainPolicy.POSITIVE)
                .findings()
                .get(0);
        FindingMetrics b = new Scorer(BlankPolicy.NEGATIVE, 500, 42)
                .score(s, cols, UncertainPolicy.POSITIVE)
                .findings()
                .get(0);
        FindingMetrics c = new Scorer(BlankPolicy.NEGATIVE, 500, 43)
                .score(s, cols, UncertainPolicy.POSITIVE)
                .findings()
                .get(0);
        assertThat(a.f1Ci()).isEqualTo(b.f1Ci());
        assertThat(a.f1Ci()).isNotEqualTo(c.f1Ci());
        assertThat(a.f1Ci().low()).isLessThan(a.f1()).isGreaterThan(a.f1() - 0.2);
        assertThat(a.f1Ci().high()).isGreaterThan(a.f1()).isLessThan(a.f1() + 0.2);
        assertThat(a.precisionCi().low()).isLessThan(a.precision());
        assertThat(a.recallCi().high()).isGreaterThan(a.recall());

        // four times the studies: the interval narrows by about half
        List<ScoredStudy> big = new ArrayList<>();
        for (int k = 0; k < 4; k++) big.addAll(s);
        FindingMetrics d = new Scorer(BlankPolicy.NEGATIVE, 500, 42)
                .score(big, cols, UncertainPolicy.POSITIVE)
                .findings()
                .get(0);
        double ratio =
                (d.f1Ci().high() - d.f1Ci().low()) / (a.f1Ci().high() - a.f1Ci().low());
        assertThat(ratio).isBetween(0.35, 0.65);
    }

    @Test
    void perfectPredictionsHaveADegenerateInterval() {
        GroundTruth P = GroundTruth.POSITIVE, N = GroundTruth.NEGATIVE;
        FindingState y = FindingState.PRESENT, a = FindingState.ABSENT;
        List<ScoredStudy> s = studies(
                Finding.PULMONARY_EDEMA, new GroundTruth[] {P, P, N, N, P, N}, new FindingState[] {y, y, a, a, y, a});
        FindingMetrics m = new Scorer(BlankPolicy.NEGATIVE, 200, 3)
                .score(s, EnumSet.of(Finding.PULMONARY_EDEMA), UncertainPolicy.POSITIVE)
                .findings()
                .get(0);
        assertThat(m.f1()).isEqualTo(1.0);
        assertThat(m.f1Ci()).isEqualTo(new Interval(1.0, 1.0));
    }
}

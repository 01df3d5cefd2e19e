package org.cxrplatform.evaluation.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.cxrplatform.contracts.findings.Finding;

/**
 * Per-finding precision, recall, F1 and support, macro averages, and seeded bootstrap percentile
 * intervals.
 *
 * <p>Bootstrap: {@code replicates} resamples of the studies with replacement (the same resample
 * for every finding, so the macro intervals are consistent), drawn from a
 * {@link SplittableRandom} seeded with {@code seed}; a replicate in which a figure is undefined
 * is left out of that figure's interval. Interval bounds are the 2.5th and 97.5th percentiles
 * with linear interpolation between order statistics (numpy's default), so the same seed gives
 * the same intervals on every machine.
 */
public final class Scorer {

    private final BlankPolicy blankPolicy;
    private final int replicates;
    private final long seed;
    private final double confidence;

    public Scorer(BlankPolicy blankPolicy, int replicates, long seed) {
        this(blankPolicy, replicates, seed, 0.95);
    }

    public Scorer(BlankPolicy blankPolicy, int replicates, long seed, double confidence) {
        if (replicates < 0) {
            throw new IllegalArgumentException("bootstrap replicates must be >= 0, not " + replicates);
        }
        this.blankPolicy = blankPolicy;
        this.replicates = replicates;
        this.seed = seed;
        this.confidence = confidence;
    }

    /** Outcome codes per study and finding. */
    private static final byte EXCLUDED = -1, TN = 0, FP = 1, FN = 2, TP = 3;

    /**
     * @param findings the findings that have a column in the labels file (others are not scored)
     */
    public PolicyResult score(List<ScoredStudy> studies, Set<Finding> findings, UncertainPolicy policy) {
        List<Finding> scored =
                new ArrayList<>(EnumSet.copyOf(findings.isEmpty() ? EnumSet.noneOf(Finding.class) : findings));
        int n = studies.size();
        byte[][] outcome = new byte[scored.size()][n];
        for (int k = 0; k < scored.size(); k++) {
            Finding f = scored.get(k);
            for (int i = 0; i < n; i++) {
                ScoredStudy s = studies.get(i);
                Boolean truth = policy.truth(s.labelled().label(f), blankPolicy);
                if (truth == null) {
                    outcome[k][i] = EXCLUDED;
                } else {
                    boolean pred = policy.predicted(s.state(f));
                    outcome[k][i] = truth ? (pred ? TP : FN) : (pred ? FP : TN);
                }
            }
        }

        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        Confusion[] point = confusions(outcome, all);

        // Bootstrap replicates: per finding P/R/F1, and the two macro F1s.
        double[][] bootP = new double[scored.size()][replicates];
        double[][] bootR = new double[scored.size()][replicates];
        double[][] bootF = new double[scored.size()][replicates];
        double[] bootSix = new double[replicates];
        double[] bootAll = new double[replicates];
        SplittableRandom random = new SplittableRandom(seed);
        int[] sample = new int[n];
        for (int b = 0; b < replicates; b++) {
            for (int i = 0; i < n; i++) sample[i] = random.nextInt(n);
            Confusion[] c = confusions(outcome, sample);
            for (int k = 0; k < scored.size(); k++) {
                bootP[k][b] = nan(c[k].precision());
                bootR[k][b] = nan(c[k].recall());
                bootF[k][b] = nan(c[k].f1());
            }
            bootSix[b] = macroOf(scored, bootF, b, Finding.PAPER_SIX);
            bootAll[b] = macroOf(scored, bootF, b, EnumSet.allOf(Finding.class));
        }

        List<FindingMetrics> metrics = new ArrayList<>();
        for (int k = 0; k < scored.size(); k++) {
            Confusion c = point[k];
            int excluded = 0;
            for (byte o : outcome[k]) if (o == EXCLUDED) excluded++;
            metrics.add(new FindingMetrics(
                    scored.get(k),
                    scored.get(k).chexpertColumn(),
                    c,
                    c.support(),
                    excluded,
                    c.precision(),
                    c.recall(),
                    c.f1(),
                    interval(bootP[k]),
                    interval(bootR[k]),
                    interval(bootF[k])));
        }
        return new PolicyResult(
                policy,
                policy.label(),
                List.copyOf(metrics),
                macro("paper six", metrics, Finding.PAPER_SIX, bootSix),
                macro("all seven", metrics, EnumSet.allOf(Finding.class), bootAll));
    }

    private static Confusion[] confusions(byte[][] outcome, int[] sample) {
        Confusion[] result = new Confusion[outcome.length];
        for (int k = 0; k < outcome.length; k++) {
            int[] counts = new int[4];
            byte[] o = outcome[k];
            for (int i : sample) {
                if (o[i] != EXCLUDED) counts[o[i]]++;
            }
            result[k] = new Confusion(counts[TP], counts[FP], counts[FN], counts[TN]);
        }
        return result;
    }

    private static double macroOf(List<Finding> scored, double[][] bootF, int b, Set<Finding> over) {
        double sum = 0;
        int count = 0;
        for (int k = 0; k < scored.size(); k++) {
            if (over.contains(scored.get(k)) && !Double.isNaN(bootF[k][b])) {
                sum += bootF[k][b];
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private MacroMetrics macro(String name, List<FindingMetrics> metrics, Set<Finding> over, double[] boot) {
        List<FindingMetrics> in =
                metrics.stream().filter(m -> over.contains(m.finding())).toList();
        List<Finding> undefined = in.stream()
                .filter(m -> m.f1() == null)
                .map(FindingMetrics::finding)
                .toList();
        return new MacroMetrics(
                name,
                in.stream().map(FindingMetrics::finding).toList(),
                mean(in.stream().map(FindingMetrics::precision).toList()),
                mean(in.stream().map(FindingMetrics::recall).toList()),
                mean(in.stream().map(FindingMetrics::f1).toList()),
                interval(boot),
                undefined);
    }

    private static Double mean(List<Double> values) {
        double sum = 0;
        int count = 0;
        for (Double v : values) {
            if (v != null) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? null : sum / count;
    }

    private Interval interval(double[] replicateValues) {
        double[] defined = Arrays.stream(replicateValues)
                .filter(v -> !Double.isNaN(v))
                .sorted()
                .toArray();
        if (defined.length == 0) {
            return Interval.NONE;
        }
        double alpha = (1 - confidence) / 2;
        return new Interval(percentile(defined, alpha), percentile(defined, 1 - alpha));
    }

    /** numpy.percentile(..., method="linear") on sorted values; q in [0, 1]. */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }
}

package org.cxrplatform.findings;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * How well labels agree with reference labels, per finding: precision, recall and F1 of each
 * state taken one-versus-rest, and of "mentioned with the right state". Used to measure the
 * extractor on a labelled sentence set, and printed beside every evaluation because each model
 * figure inherits the labeller's errors.
 */
public final class LabelerQuality {

    /** The states scored one-versus-rest; NOT_MENTIONED is covered by "mentioned correctly". */
    public static final List<FindingState> SCORED =
            List.of(FindingState.PRESENT, FindingState.ABSENT, FindingState.UNCERTAIN);

    /** Counts for one class; a ratio with nothing to divide by is NaN, so a floor on it fails. */
    public record Score(int truePositives, int falsePositives, int falseNegatives) {

        public double precision() {
            return ratio(truePositives, truePositives + falsePositives);
        }

        public double recall() {
            return ratio(truePositives, truePositives + falseNegatives);
        }

        public double f1() {
            return ratio(2.0 * truePositives, 2.0 * truePositives + falsePositives + falseNegatives);
        }

        /** How many reference labels are in the class. */
        public int support() {
            return truePositives + falseNegatives;
        }

        Score plus(Score other) {
            return new Score(
                    truePositives + other.truePositives,
                    falsePositives + other.falsePositives,
                    falseNegatives + other.falseNegatives);
        }

        private static double ratio(double numerator, double denominator) {
            return denominator == 0 ? Double.NaN : numerator / denominator;
        }
    }

    private final Map<Finding, Map<FindingState, Score>> byState;
    private final Map<Finding, Score> mentionedCorrectly;
    private final int cells;
    private final int agreeing;

    private LabelerQuality(
            Map<Finding, Map<FindingState, Score>> byState,
            Map<Finding, Score> mentionedCorrectly,
            int cells,
            int agreeing) {
        this.byState = byState;
        this.mentionedCorrectly = mentionedCorrectly;
        this.cells = cells;
        this.agreeing = agreeing;
    }

    /** Runs the extractor on every sentence and compares with its labels. */
    public static LabelerQuality measure(FindingsExtractor extractor, List<LabelledSentence> sentences) {
        List<Map<Finding, FindingState>> expected = new ArrayList<>();
        List<Map<Finding, FindingState>> actual = new ArrayList<>();
        for (LabelledSentence sentence : sentences) {
            expected.add(sentence.expected());
            actual.add(extractor.extract(sentence.text()));
        }
        return compare(expected, actual);
    }

    /** Compares label maps pairwise; each map must hold all seven findings. */
    public static LabelerQuality compare(
            List<Map<Finding, FindingState>> expected, List<Map<Finding, FindingState>> actual) {
        if (expected.size() != actual.size()) {
            throw new IllegalArgumentException(
                    expected.size() + " reference rows but " + actual.size() + " labelled rows");
        }
        Map<Finding, Map<FindingState, Score>> byState = new EnumMap<>(Finding.class);
        Map<Finding, Score> mentionedCorrectly = new EnumMap<>(Finding.class);
        int agreeing = 0;
        for (Finding finding : Finding.values()) {
            Map<FindingState, Score> scores = new EnumMap<>(FindingState.class);
            SCORED.forEach(state -> scores.put(state, new Score(0, 0, 0)));
            Score mentioned = new Score(0, 0, 0);
            for (int row = 0; row < expected.size(); row++) {
                FindingState want = expected.get(row).get(finding);
                FindingState got = actual.get(row).get(finding);
                for (FindingState state : SCORED) {
                    scores.merge(state, count(want == state, got == state), Score::plus);
                }
                boolean wantMention = want != FindingState.NOT_MENTIONED;
                boolean gotMention = got != FindingState.NOT_MENTIONED;
                mentioned = mentioned.plus(new Score(
                        wantMention && got == want ? 1 : 0,
                        gotMention && got != want ? 1 : 0,
                        wantMention && got != want ? 1 : 0));
                agreeing += want == got ? 1 : 0;
            }
            byState.put(finding, scores);
            mentionedCorrectly.put(finding, mentioned);
        }
        return new LabelerQuality(byState, mentionedCorrectly, expected.size() * Finding.values().length, agreeing);
    }

    private static Score count(boolean wanted, boolean got) {
        return new Score(wanted && got ? 1 : 0, got && !wanted ? 1 : 0, wanted && !got ? 1 : 0);
    }

    /** One state of one finding, one-versus-rest. */
    public Score score(Finding finding, FindingState state) {
        if (!SCORED.contains(state)) {
            throw new IllegalArgumentException("scored states are " + SCORED + ", not " + state);
        }
        return byState.get(finding).get(state);
    }

    /** Micro-average of one state over all findings. */
    public Score overall(FindingState state) {
        return byState.keySet().stream().map(f -> score(f, state)).reduce(new Score(0, 0, 0), Score::plus);
    }

    /** Mentioned with the right state: a wrong state counts as a false positive and a false negative. */
    public Score mentionedCorrectly(Finding finding) {
        return mentionedCorrectly.get(finding);
    }

    /** Micro-average of {@link #mentionedCorrectly(Finding)} over all findings. */
    public Score mentionedCorrectly() {
        return mentionedCorrectly.values().stream().reduce(new Score(0, 0, 0), Score::plus);
    }

    /** Share of (row, finding) labels that agree exactly, NOT_MENTIONED included. */
    public double accuracy() {
        return cells == 0 ? Double.NaN : (double) agreeing / cells;
    }

    /** A fixed-width table: one row per finding and a micro-average row. */
    public String table() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-17s", "finding"));
        for (FindingState state : SCORED) {
            out.append(String.format(Locale.ROOT, " | %-9s  P     R     F1    n", state));
        }
        out.append(String.format(Locale.ROOT, " | %-9s  P     R     F1    n%n", "MENTIONED"));
        for (Finding finding : Finding.values()) {
            appendRow(
                    out,
                    finding.display(),
                    SCORED.stream().map(s -> score(finding, s)).toList(),
                    mentionedCorrectly(finding));
        }
        appendRow(out, "all (micro)", SCORED.stream().map(this::overall).toList(), mentionedCorrectly());
        out.append(String.format(
                Locale.ROOT,
                "accuracy over %d labels (%d rows x 7 findings): %.3f%n",
                cells,
                cells / Finding.values().length,
                accuracy()));
        out.append(
                "MENTIONED = mentioned with the right state; a wrong state is a false positive and a false negative.");
        return out.toString();
    }

    private static void appendRow(StringBuilder out, String name, List<Score> states, Score mentioned) {
        out.append(String.format(Locale.ROOT, "%-17s", name));
        for (Score score : states) {
            out.append(" | ").append(" ".repeat(9)).append(columns(score));
        }
        out.append(" | ").append(" ".repeat(9)).append(columns(mentioned)).append(System.lineSeparator());
    }

    private static String columns(Score score) {
        return String.format(
                Locale.ROOT,
                "  %s %s %s %3d",
                number(score.precision()),
                number(score.recall()),
                number(score.f1()),
                score.support());
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "  -  " : String.format(Locale.ROOT, "%.3f", value);
    }
}

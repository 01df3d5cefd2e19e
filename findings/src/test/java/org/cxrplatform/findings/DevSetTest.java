package org.cxrplatform.findings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The extractor on the development set (report sentences and whole reports in several styles,
 * written for this module; see its README). Prints the sentence table, the report-level
 * precision, recall and F1 per finding scored as {@code evaluate --reports} scores (PRESENT
 * positive, uncertain negative on both sides), and every disagreement. The rules were developed
 * against this set, so its floors guard against regressions; they do not estimate quality on
 * reports written elsewhere.
 */
class DevSetTest {

    private static final FindingsExtractor EXTRACTOR = new FindingsExtractor();
    private static List<LabelledSentence> sentences;
    private static LabelerQuality sentenceQuality;
    private static List<LabelledReport> reports;
    private static Map<Finding, LabelerQuality.Score> reportScores;

    @BeforeAll
    static void measure() throws IOException {
        sentences = SentenceSets.read("/org/cxrplatform/findings/dev/dev-sentences.tsv");
        sentenceQuality = LabelerQuality.measure(EXTRACTOR, sentences);
        System.out.println("Findings extractor on the development sentences (" + sentences.size() + ")");
        System.out.println(sentenceQuality.table());
        SentenceSets.printDisagreements(EXTRACTOR, sentences);
        reports = LabelledReport.readResource("/org/cxrplatform/findings/dev/dev-reports.txt");
        reportScores = scoreReports(reports);
        System.out.println(reportTable(reports.size(), reportScores));
    }

    /** Report level, uncertain as negative on both sides: what {@code evaluate --reports --uncertain negative} counts. */
    static Map<Finding, LabelerQuality.Score> scoreReports(List<LabelledReport> reports) {
        Map<Finding, int[]> counts = new EnumMap<>(Finding.class);
        for (Finding finding : Finding.values()) {
            counts.put(finding, new int[3]);
        }
        for (LabelledReport report : reports) {
            Map<Finding, FindingState> got = EXTRACTOR.extract(report.text());
            for (Finding finding : Finding.values()) {
                boolean want = report.positive(finding);
                boolean said = got.get(finding) == FindingState.PRESENT;
                int[] c = counts.get(finding);
                if (want && said) {
                    c[0]++;
                } else if (said) {
                    c[1]++;
                    System.out.printf("FALSE POSITIVE %-16s %s (read %s)%n", finding, report.id(), got.get(finding));
                } else if (want) {
                    c[2]++;
                    System.out.printf("FALSE NEGATIVE %-16s %s (read %s)%n", finding, report.id(), got.get(finding));
                }
            }
        }
        Map<Finding, LabelerQuality.Score> scores = new EnumMap<>(Finding.class);
        counts.forEach((finding, c) -> scores.put(finding, new LabelerQuality.Score(c[0], c[1], c[2])));
        return scores;
    }

    static double macroF1(Map<Finding, LabelerQuality.Score> scores) {
        return Finding.PAPER_SIX.stream()
                .mapToDouble(f -> scores.get(f).f1())
                .average()
                .orElse(Double.NaN);
    }

    static String reportTable(int count, Map<Finding, LabelerQuality.Score> scores) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "Report level (%d reports; PRESENT = positive, uncertain negative on both sides)%n"
                        + "%-17s %5s %5s %5s %5s %5s%n",
                count,
                "finding",
                "P",
                "R",
                "F1",
                "n",
                "pred"));
        scores.forEach((finding, s) -> out.append(String.format(
                Locale.ROOT,
                "%-17s %.3f %.3f %.3f %5d %5d%n",
                finding.chexpertColumn(),
                s.precision(),
                s.recall(),
                s.f1(),
                s.support(),
                s.truePositives() + s.falsePositives())));
        out.append(String.format(Locale.ROOT, "macro F1 over the paper's six: %.3f", macroF1(scores)));
        return out.toString();
    }

    @Test
    void theSetCoversEveryFindingAndEveryStyle() {
        assertThat(sentences).hasSizeGreaterThanOrEqualTo(350);
        assertThat(reports).hasSizeGreaterThanOrEqualTo(120);
        for (Finding finding : Finding.values()) {
            assertThat(reports.stream().filter(r -> r.positive(finding)).count())
                    .as("%s positive reports", finding)
                    .isGreaterThanOrEqualTo(8);
        }
        for (String style : List.of("pub", "mimic", "comm", "tmpl", "dict", "brit", "model")) {
            assertThat(reports).as("reports in style " + style).anyMatch(r -> r.id().contains(style));
        }
    }

    @Test
    void sentencesAreReadAsLabelled() {
        assertThat(sentenceQuality.accuracy()).isGreaterThanOrEqualTo(0.98);
        assertThat(sentenceQuality.mentionedCorrectly().f1()).isGreaterThanOrEqualTo(0.97);
    }

    @Test
    void reportsAreScoredAsLabelled() {
        assertThat(macroF1(reportScores)).isGreaterThanOrEqualTo(0.95);
        for (Finding finding : Finding.values()) {
            assertThat(reportScores.get(finding).f1())
                    .as("%s report-level F1", finding)
                    .isGreaterThanOrEqualTo(0.9);
        }
    }
}

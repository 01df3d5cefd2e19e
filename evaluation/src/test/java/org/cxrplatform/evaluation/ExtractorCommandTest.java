package org.cxrplatform.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.evaluation.labeler.HeldoutQuality;
import org.cxrplatform.evaluation.labeler.HeldoutSet;
import org.cxrplatform.evaluation.report.TextSummary;
import org.cxrplatform.findings.CriticalFindingRule;
import org.junit.jupiter.api.Test;

/**
 * {@code extractor --heldout DIR} prints, for the held-out reports and sentences, a row per
 * finding and both macro rows under both uncertain policies, and the alert corpus's precision and
 * recall, as measured by {@link HeldoutQuality}. The figures are printed, not asserted: the set
 * is there to measure the rules, not to tune them.
 */
class ExtractorCommandTest {

    @Test
    void heldoutFiguresArePrintedForReportsSentencesAndAlerts() throws Exception {
        Path folder =
                Path.of(getClass().getResource("/heldout/labels.csv").toURI()).getParent();

        Cli.Result r = Cli.run("extractor", "--heldout", folder.toString(), "--bootstrap", "0");
        System.out.println(r.stdout());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        for (String part : new String[] {
            "-- reports (523), uncertain-as-negative --",
            "-- reports (523), uncertain-as-positive --",
            "-- sentences (843), uncertain-as-negative --",
            "-- sentences (843), uncertain-as-positive --"
        }) {
            String table = r.stdout().substring(r.stdout().indexOf(part));
            assertThat(table).as(part).contains("macro paper six", "macro all seven");
            for (Finding f : Finding.values()) {
                assertThat(table).contains("\n" + f.chexpertColumn() + " ");
            }
        }
        // The alert line counts every corpus sentence, each decided by the platform's rule.
        int tp = 0, fp = 0, fn = 0, tn = 0;
        for (HeldoutSet.AlertCase c : HeldoutSet.read(folder).alerts()) {
            boolean raised = CriticalFindingRule.alert(Finding.PNEUMOTHORAX, c.sentence())
                    .isPresent();
            if (c.alert()) {
                if (raised) tp++;
                else fn++;
            } else {
                if (raised) fp++;
                else tn++;
            }
        }
        assertThat(tp + fp + fn + tn).isEqualTo(318);
        assertThat(r.stdout())
                .contains(String.format(
                        Locale.ROOT,
                        "alert precision %s, recall %s (TP %d, FP %d, FN %d, TN %d)",
                        TextSummary.num((double) tp / (tp + fp)),
                        TextSummary.num((double) tp / (tp + fn)),
                        tp,
                        fp,
                        fn,
                        tn));
        // The sets every evaluation prints come first, as in `evaluate`.
        assertThat(r.stdout()).contains("findings extractor quality (64 labelled sentences");
    }

    @Test
    void aMissingFolderIsAMessage() {
        Cli.Result r = Cli.run("extractor", "--heldout", "/nonexistent/heldout", "--bootstrap", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("error: ");
    }
}

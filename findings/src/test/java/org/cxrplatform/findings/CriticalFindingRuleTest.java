package org.cxrplatform.findings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cxrplatform.contracts.findings.Finding.PNEUMOTHORAX;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.cxrplatform.contracts.findings.FindingState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pneumothorax alert on its corpus of alert and non-alert texts
 * ({@code alerts/pneumothorax-alerts.tsv}): prints precision and recall overall and the
 * non-alerts raised per class, then holds them to floors.
 *
 * <p>The floors: precision 0.98, because a false STAT alert pages a clinician and teaches them to
 * ignore the next one; recall 0.95, because a missed alert is not a lost finding (the report
 * still codes it PRESENT and reaches the worklist and the RIS), so some recall is traded for
 * precision on purpose (the guard drops a present pneumothorax in a clause that also asks or
 * limits). Both sit below what this corpus measures, which was written alongside the rules.
 */
class CriticalFindingRuleTest {

    private record Case(String text, boolean alert, String kind) {}

    private static final List<Case> CASES = new ArrayList<>();
    private static int truePositives;
    private static int falsePositives;
    private static int falseNegatives;
    private static final Map<String, int[]> BY_KIND = new TreeMap<>();

    @BeforeAll
    static void measure() throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                CriticalFindingRuleTest.class.getResourceAsStream(
                        "/org/cxrplatform/findings/alerts/pneumothorax-alerts.tsv"),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t");
                CASES.add(new Case(columns[0].replace("\\n", "\n"), columns[1].equals("ALERT"), columns[2]));
            }
        }
        for (Case c : CASES) {
            boolean raised = CriticalFindingRule.alert(PNEUMOTHORAX, c.text()).isPresent();
            int[] kind = BY_KIND.computeIfAbsent(c.kind(), k -> new int[2]);
            kind[0]++;
            if (raised == c.alert()) {
                truePositives += raised ? 1 : 0;
            } else {
                kind[1]++;
                falsePositives += raised ? 1 : 0;
                falseNegatives += raised ? 0 : 1;
                System.out.printf(
                        "%s %s | %s%n",
                        raised ? "FALSE ALERT" : "MISSED ALERT",
                        c.kind(),
                        c.text().replace("\n", " / "));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "Pneumothorax alert on %d texts (%d alerts, %d non-alerts): precision %.3f, recall %.3f%n",
                CASES.size(),
                count(true),
                count(false),
                precision(),
                recall());
        BY_KIND.forEach((kind, n) -> System.out.printf(Locale.ROOT, "  %-14s %3d texts, %d wrong%n", kind, n[0], n[1]));
    }

    private static long count(boolean alert) {
        return CASES.stream().filter(c -> c.alert() == alert).count();
    }

    private static double precision() {
        return (double) truePositives / (truePositives + falsePositives);
    }

    private static double recall() {
        return (double) truePositives / (truePositives + falseNegatives);
    }

    @Test
    void theCorpusHoldsAHundredOfEachKind() {
        assertThat(count(true)).isGreaterThanOrEqualTo(100);
        assertThat(count(false)).isGreaterThanOrEqualTo(100);
        assertThat(BY_KIND.keySet())
                .contains(
                        "negated",
                        "resolved",
                        "hedged",
                        "limited",
                        "indication",
                        "history",
                        "device",
                        "hypothetical",
                        "other-air");
    }

    @Test
    void alertsAreRaisedOnlyOnAPresentPneumothorax() {
        assertThat(precision()).as("precision").isGreaterThanOrEqualTo(0.98);
        assertThat(recall()).as("recall").isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void theAlertQuotesTheSentenceThatRaisedIt() {
        String report =
                "INDICATION: Rule out pneumothorax.\nFINDINGS: History of left pneumothorax. Small right apical "
                        + "pneumothorax. No effusion.";

        assertThat(CriticalFindingRule.alert(PNEUMOTHORAX, report)).hasValueSatisfying(mention -> {
            assertThat(mention.state()).isEqualTo(FindingState.PRESENT);
            assertThat(mention.sentence()).isEqualTo("Small right apical pneumothorax.");
        });
    }

    @Test
    void aBareNameInAnOrderIsNotAnAlertThoughTheExtractorCannotTellItFromAFinding() {
        String precautions = "Pneumothorax precautions.";

        assertThat(new FindingsExtractor().extract(precautions)).containsEntry(PNEUMOTHORAX, FindingState.PRESENT);
        assertThat(CriticalFindingRule.alert(PNEUMOTHORAX, precautions)).isEmpty();
    }
}

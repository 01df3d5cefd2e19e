package org.cxrplatform.evaluation.labeler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.evaluation.labels.GroundTruth;
import org.junit.jupiter.api.Test;

/**
 * The held-out set loads completely: every report with its labels, every sentence and alert
 * sentence, with exactly the label counts its LABELLING.md tables give (section 11). Its scores
 * are printed by the {@code extractor --heldout} command ({@code ExtractorCommandTest}); no
 * threshold here is tuned to it.
 */
class HeldoutSetTest {

    static Path folder() throws Exception {
        return Path.of(HeldoutSetTest.class.getResource("/heldout/labels.csv").toURI())
                .getParent();
    }

    @Test
    void everyReportSentenceAndAlertIsReadWithItsLabels() throws Exception {
        HeldoutSet set = HeldoutSet.read(folder());

        assertThat(set.reports()).hasSize(523);
        assertThat(set.reports()).allSatisfy(r -> assertThat(r.text()).isNotBlank());
        assertThat(set.sentences()).hasSize(843);
        assertThat(set.alerts()).hasSize(318);
        assertThat(set.alerts().stream().filter(HeldoutSet.AlertCase::alert).count())
                .isEqualTo(158);
        assertThat(set.alerts().stream()
                        .filter(a -> a.category().equals("uncertain"))
                        .count())
                .isEqualTo(20);

        // LABELLING.md section 11, columns 1 / 0 / -1 / blank (PRESENT / ABSENT / UNCERTAIN / NOT_MENTIONED).
        assertThat(counts(set.reports()))
                .isEqualTo(table(
                        115, 19, 39, 350, 76, 220, 107, 120, 52, 141, 31, 299, 52, 55, 35, 381, 136, 235, 23, 129, 46,
                        230, 17, 230, 42, 43, 59, 379));
        assertThat(counts(set.sentences()))
                .isEqualTo(table(
                        70, 17, 34, 722, 57, 45, 30, 711, 51, 52, 21, 719, 63, 41, 34, 705, 98, 59, 24, 662, 62, 82, 19,
                        680, 48, 30, 62, 703));
    }

    private static Map<Finding, List<Long>> counts(List<HeldoutSet.Text> texts) {
        Map<Finding, List<Long>> counts = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            counts.put(
                    f,
                    List.of(GroundTruth.POSITIVE, GroundTruth.NEGATIVE, GroundTruth.UNCERTAIN, GroundTruth.BLANK)
                            .stream()
                            .map(g -> texts.stream()
                                    .filter(t -> t.labelled().label(f) == g)
                                    .count())
                            .toList());
        }
        return counts;
    }

    private static Map<Finding, List<Long>> table(long... cells) {
        Map<Finding, List<Long>> table = new EnumMap<>(Finding.class);
        Finding[] order = {
            Finding.ATELECTASIS,
            Finding.CARDIOMEGALY,
            Finding.CONSOLIDATION,
            Finding.PULMONARY_EDEMA,
            Finding.PLEURAL_EFFUSION,
            Finding.PNEUMOTHORAX,
            Finding.PNEUMONIA
        };
        for (int i = 0; i < order.length; i++) {
            table.put(order[i], List.of(cells[4 * i], cells[4 * i + 1], cells[4 * i + 2], cells[4 * i + 3]));
        }
        return table;
    }
}

package org.cxrplatform.findings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.cxrplatform.contracts.findings.Finding.PLEURAL_EFFUSION;
import static org.cxrplatform.contracts.findings.Finding.PNEUMOTHORAX;
import static org.cxrplatform.contracts.findings.FindingState.ABSENT;
import static org.cxrplatform.contracts.findings.FindingState.NOT_MENTIONED;
import static org.cxrplatform.contracts.findings.FindingState.PRESENT;
import static org.cxrplatform.contracts.findings.FindingState.UNCERTAIN;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.junit.jupiter.api.Test;

class LabelerQualityTest {

    @Test
    void countsAreKnownByConstruction() {
        // Effusion: reference P, P, A, U; labels P, U, A, NM.
        LabelerQuality quality = LabelerQuality.compare(
                List.of(effusion(PRESENT), effusion(PRESENT), effusion(ABSENT), effusion(UNCERTAIN)),
                List.of(effusion(PRESENT), effusion(UNCERTAIN), effusion(ABSENT), effusion(NOT_MENTIONED)));

        assertThat(quality.score(PLEURAL_EFFUSION, PRESENT)).isEqualTo(new LabelerQuality.Score(1, 0, 1));
        assertThat(quality.score(PLEURAL_EFFUSION, PRESENT).f1()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(quality.score(PLEURAL_EFFUSION, UNCERTAIN)).isEqualTo(new LabelerQuality.Score(0, 1, 1));
        assertThat(quality.mentionedCorrectly(PLEURAL_EFFUSION)).isEqualTo(new LabelerQuality.Score(2, 1, 2));
        assertThat(quality.accuracy()).isCloseTo((4 * 7 - 2) / 28.0, within(1e-9));
        assertThat(quality.score(PNEUMOTHORAX, PRESENT).f1()).isNaN();
    }

    @Test
    void readsTheTabSeparatedFormat() throws IOException {
        String tsv = "# comment\n\nNo pneumothorax or effusion.\tPNEUMOTHORAX=ABSENT PLEURAL_EFFUSION=ABSENT\n"
                + "No acute process.\t\n";

        List<LabelledSentence> sentences = LabelledSentence.readTsv(new BufferedReader(new StringReader(tsv)));

        assertThat(sentences).hasSize(2);
        assertThat(sentences.get(0).expected())
                .containsEntry(PNEUMOTHORAX, ABSENT)
                .containsEntry(Finding.CARDIOMEGALY, NOT_MENTIONED);
        assertThat(sentences.get(1).expected().values()).containsOnly(NOT_MENTIONED);
    }

    private static Map<Finding, FindingState> effusion(FindingState state) {
        Map<Finding, FindingState> labels = new EnumMap<>(Finding.class);
        for (Finding finding : Finding.values()) {
            labels.put(finding, NOT_MENTIONED);
        }
        labels.put(PLEURAL_EFFUSION, state);
        return labels;
    }
}

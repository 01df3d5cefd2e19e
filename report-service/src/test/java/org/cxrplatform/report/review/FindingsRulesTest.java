package org.cxrplatform.report.review;

import static org.assertj.core.api.Assertions.assertThat;

import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.junit.jupiter.api.Test;

/** The fallback rules used when contracts has no FindingsExtractor. */
class FindingsRulesTest {

    @Test
    void negationHedgeAndAffirmation() {
        var f = FindingsExtraction.rules("Large right pneumothorax. No pleural effusion. Cannot exclude consolidation at the left base.");
        assertThat(f).containsEntry(Finding.PNEUMOTHORAX, FindingState.PRESENT).containsEntry(Finding.PLEURAL_EFFUSION, FindingState.ABSENT)
                .containsEntry(Finding.CONSOLIDATION, FindingState.UNCERTAIN).containsEntry(Finding.ATELECTASIS, FindingState.NOT_MENTIONED)
                .hasSize(7);
    }

    @Test
    void presentWinsAcrossSentences() {
        var f = FindingsExtraction.rules("No effusion on the right. Small left pleural effusion.");
        assertThat(f).containsEntry(Finding.PLEURAL_EFFUSION, FindingState.PRESENT);
        var g = FindingsExtraction.rules("No pneumothorax, possible small effusion. Atelectasis cannot be excluded.");
        assertThat(g).containsEntry(Finding.PNEUMOTHORAX, FindingState.ABSENT).containsEntry(Finding.PLEURAL_EFFUSION, FindingState.UNCERTAIN)
                .containsEntry(Finding.ATELECTASIS, FindingState.UNCERTAIN);
    }
}

package org.cxrplatform.findings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cxrplatform.contracts.findings.Finding.CARDIOMEGALY;
import static org.cxrplatform.contracts.findings.Finding.CONSOLIDATION;
import static org.cxrplatform.contracts.findings.Finding.PLEURAL_EFFUSION;
import static org.cxrplatform.contracts.findings.Finding.PNEUMONIA;
import static org.cxrplatform.contracts.findings.Finding.PNEUMOTHORAX;
import static org.cxrplatform.contracts.findings.Finding.PULMONARY_EDEMA;
import static org.cxrplatform.contracts.findings.FindingState.ABSENT;
import static org.cxrplatform.contracts.findings.FindingState.NOT_MENTIONED;
import static org.cxrplatform.contracts.findings.FindingState.PRESENT;
import static org.cxrplatform.contracts.findings.FindingState.UNCERTAIN;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.junit.jupiter.api.Test;

class FindingsExtractorTest {

    private final FindingsExtractor extractor = new FindingsExtractor();

    @Test
    void issueExamples() {
        assertThat(extractor.extract("No pneumothorax.")).containsEntry(PNEUMOTHORAX, ABSENT);
        assertThat(extractor.extract("Cannot exclude effusion.")).containsEntry(PLEURAL_EFFUSION, UNCERTAIN);
        assertThat(extractor.extract("Resolved edema.")).containsEntry(PULMONARY_EDEMA, ABSENT);
    }

    @Test
    void everyFindingIsAlwaysLabelled() {
        Map<Finding, FindingState> labels = extractor.extract("");

        assertThat(labels).hasSize(Finding.values().length).containsOnlyKeys(Finding.values());
        assertThat(labels.values()).containsOnly(NOT_MENTIONED);
    }

    @Test
    void aListAfterOneNegationIsNegatedWhole() {
        assertThat(extractor.extract("No focal consolidation, pleural effusion, or pneumothorax."))
                .containsEntry(CONSOLIDATION, ABSENT)
                .containsEntry(PLEURAL_EFFUSION, ABSENT)
                .containsEntry(PNEUMOTHORAX, ABSENT);
    }

    @Test
    void negationStopsAtANewClause() {
        assertThat(extractor.extract("No pneumothorax, but there is a small left pleural effusion."))
                .containsEntry(PNEUMOTHORAX, ABSENT)
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void talkOfChangeIsNotNegation() {
        assertThat(extractor.extract("No change in the small left pleural effusion."))
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
        assertThat(extractor.extract("The right effusion has nearly resolved."))
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void aHedgeAfterTheNameReachesBackButNotAcrossAVerb() {
        assertThat(extractor.extract("Pneumonia cannot be excluded.")).containsEntry(PNEUMONIA, UNCERTAIN);
        assertThat(extractor.extract("The consolidation has increased and the effusion has resolved."))
                .containsEntry(CONSOLIDATION, PRESENT)
                .containsEntry(PLEURAL_EFFUSION, ABSENT);
    }

    @Test
    void normalStatementsRuleFindingsOut() {
        assertThat(extractor.extract("Heart size is normal. The lungs are clear."))
                .containsEntry(CARDIOMEGALY, ABSENT)
                .containsEntry(CONSOLIDATION, ABSENT)
                .containsEntry(PNEUMONIA, ABSENT)
                .containsEntry(PLEURAL_EFFUSION, NOT_MENTIONED);
    }

    @Test
    void presentOutranksUncertainOutranksAbsentAcrossSentences() {
        assertThat(extractor.extract("No effusion on the right. Possible small left effusion."))
                .containsEntry(PLEURAL_EFFUSION, UNCERTAIN);
        assertThat(extractor.extract("Possible small left effusion. Small right effusion."))
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void theMentionQuotesTheSentenceThatDecided() {
        List<Mention> mentions = extractor.mentions(
                "Dr. Smith was called at 10:30 a.m. about a 1.5 cm nodule. No effusion on the left.\n"
                        + "Small right\n  pleural effusion. No pneumothorax.");

        assertThat(mentions).containsExactly(
                new Mention(PLEURAL_EFFUSION, PRESENT, "Small right pleural effusion."),
                new Mention(PNEUMOTHORAX, ABSENT, "No pneumothorax."));
    }

    @Test
    void aBlankLineEndsASentence() {
        assertThat(extractor.extract("No pneumothorax\n\nSmall left pleural effusion"))
                .containsEntry(PNEUMOTHORAX, ABSENT)
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void theIndicationIsNotAFinding() {
        String report = "INDICATION: Fever. Evaluate for pneumonia.\n"
                + "FINDINGS: Heart size is normal. No pneumothorax.\n"
                + "IMPRESSION: No pneumonia.";

        assertThat(extractor.mentions(report)).containsExactly(
                new Mention(CARDIOMEGALY, ABSENT, "FINDINGS: Heart size is normal."),
                new Mention(PNEUMOTHORAX, ABSENT, "No pneumothorax."),
                new Mention(PNEUMONIA, ABSENT, "IMPRESSION: No pneumonia."));
        assertThat(extractor.extract("HISTORY: Cough.\n\nSmall left pleural effusion."))
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void aSizeAfterAndStartsAnAffirmation() {
        assertThat(extractor.extract("No pneumothorax and small left pleural effusion."))
                .containsEntry(PNEUMOTHORAX, ABSENT)
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void oneInstanceServesManyThreads() {
        String report = "Cardiomegaly with mild pulmonary edema. Possible left lower lobe pneumonia. No pneumothorax.";
        Map<Finding, FindingState> alone = extractor.extract(report);

        List<Map<Finding, FindingState>> parallel = IntStream.range(0, 2_000).parallel()
                .mapToObj(i -> extractor.extract(report)).toList();

        assertThat(parallel).allSatisfy(labels -> assertThat(labels).isEqualTo(alone));
        assertThat(alone).containsEntry(CARDIOMEGALY, PRESENT).containsEntry(PNEUMONIA, UNCERTAIN);
    }
}

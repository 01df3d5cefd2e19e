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
        assertThat(extractor.extract("The right effusion has not completely resolved."))
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void timeDecidesWhetherAFindingIsOnThisImage() {
        assertThat(extractor.extract("Stable cardiomegaly.")).containsEntry(CARDIOMEGALY, PRESENT);
        assertThat(extractor.extract("Improving pulmonary edema.")).containsEntry(PULMONARY_EDEMA, PRESENT);
        assertThat(extractor.extract("Resolving interstitial edema.")).containsEntry(PULMONARY_EDEMA, UNCERTAIN);
        assertThat(extractor.extract("The right effusion has nearly resolved."))
                .containsEntry(PLEURAL_EFFUSION, UNCERTAIN);
        assertThat(extractor.extract("Interstitial edema has resolved.")).containsEntry(PULMONARY_EDEMA, ABSENT);
        assertThat(extractor.extract("Previously seen left effusion is no longer visualized."))
                .containsEntry(PLEURAL_EFFUSION, ABSENT);
        assertThat(extractor.extract("Prior right upper lobe pneumonia.")).containsEntry(PNEUMONIA, NOT_MENTIONED);
        assertThat(extractor.extract("Previously noted right pneumothorax is again seen."))
                .containsEntry(PNEUMOTHORAX, PRESENT);
    }

    @Test
    void historyIsNotAFindingOnThisImage() {
        assertThat(extractor.extract("Residua of prior granulomatous infection."))
                .containsEntry(PNEUMONIA, NOT_MENTIONED);
        assertThat(extractor.extract("History of recurrent left pneumothorax."))
                .containsEntry(PNEUMOTHORAX, NOT_MENTIONED);
        assertThat(extractor.extract("Patient with known CHF, now without pulmonary edema."))
                .containsEntry(PULMONARY_EDEMA, ABSENT);
    }

    @Test
    void theQuestionAskedAndTheLimitsOfTheImageAreNotFindings() {
        assertThat(extractor.extract("Assessment for pneumothorax is limited by the projection."))
                .containsEntry(PNEUMOTHORAX, UNCERTAIN);
        assertThat(extractor.extract("Evaluate for pneumonia.")).containsEntry(PNEUMONIA, NOT_MENTIONED);
        assertThat(extractor.extract("Right chest tube placed for pneumothorax."))
                .containsEntry(PNEUMOTHORAX, NOT_MENTIONED);
        assertThat(extractor.extract("Post biopsy film to check for pneumothorax: none seen."))
                .containsEntry(PNEUMOTHORAX, ABSENT);
    }

    @Test
    void negationStopsAtWithAndAtASizeAfterAName() {
        assertThat(extractor.extract("No cardiomegaly with small bilateral effusions."))
                .containsEntry(CARDIOMEGALY, ABSENT)
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
        assertThat(extractor.extract("No effusion no pneumothorax small left basilar atelectasis."))
                .containsEntry(PLEURAL_EFFUSION, ABSENT)
                .containsEntry(Finding.ATELECTASIS, PRESENT);
        assertThat(extractor.extract("No pneumothorax or large effusion.")).containsEntry(PLEURAL_EFFUSION, ABSENT);
    }

    @Test
    void aLinkPassesOnTheNegationBeforeIt() {
        assertThat(extractor.extract("No evidence of pneumonia.")).containsEntry(PNEUMONIA, ABSENT);
        assertThat(extractor.extract("No opacity to suggest pneumonia.")).containsEntry(PNEUMONIA, ABSENT);
        assertThat(extractor.extract("Opacity suggestive of pneumonia.")).containsEntry(PNEUMONIA, UNCERTAIN);
        assertThat(extractor.extract("Opacity consistent with pneumonia.")).containsEntry(PNEUMONIA, PRESENT);
    }

    @Test
    void synonymsVariantsAndTyposAreNames() {
        assertThat(extractor.extract("Heart enlargement.")).containsEntry(CARDIOMEGALY, PRESENT);
        assertThat(extractor.extract("Heart size is large.")).containsEntry(CARDIOMEGALY, PRESENT);
        assertThat(extractor.extract("The heart is XXXX enlarged.")).containsEntry(CARDIOMEGALY, PRESENT);
        assertThat(extractor.extract("Pleural air collection at the apex.")).containsEntry(PNEUMOTHORAX, PRESENT);
        assertThat(extractor.extract("Aspiration pneumonitis.")).containsEntry(PNEUMONIA, PRESENT);
        assertThat(extractor.extract("Small left pleural fusion.")).containsEntry(PLEURAL_EFFUSION, PRESENT);
        assertThat(extractor.extract("Small left apical pneumothroax.")).containsEntry(PNEUMOTHORAX, PRESENT);
        assertThat(extractor.extract("Right hydropneumothorax."))
                .containsEntry(PNEUMOTHORAX, PRESENT)
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void infectionInADifferentialIsUncertainAndAirspaceDiseaseIsNotPneumonia() {
        assertThat(extractor.extract("Opacity may represent atelectasis or infectious process."))
                .containsEntry(PNEUMONIA, UNCERTAIN);
        assertThat(extractor.extract("Right lower lobe opacity consistent with infection."))
                .containsEntry(PNEUMONIA, PRESENT);
        assertThat(extractor.extract("Calcified granulomas consistent with granulomatous infection."))
                .containsEntry(PNEUMONIA, NOT_MENTIONED);
        assertThat(extractor.extract("Right lower lobe airspace disease.")).containsEntry(PNEUMONIA, NOT_MENTIONED);
    }

    @Test
    void deidentificationTokensJoinNothing() {
        assertThat(extractor.extract("No XXXX of pleural effusion or pneumothorax."))
                .containsEntry(PLEURAL_EFFUSION, ABSENT)
                .containsEntry(PNEUMOTHORAX, ABSENT);
        assertThat(extractor.extract("Compared to ___, there is a new small left pleural effusion."))
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

        assertThat(mentions)
                .containsExactly(
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

        assertThat(extractor.mentions(report))
                .containsExactly(
                        new Mention(CARDIOMEGALY, ABSENT, "FINDINGS: Heart size is normal."),
                        new Mention(PNEUMOTHORAX, ABSENT, "No pneumothorax."),
                        new Mention(PNEUMONIA, ABSENT, "IMPRESSION: No pneumonia."));
        assertThat(extractor.extract("HISTORY: Cough.\n\nSmall left pleural effusion."))
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
    }

    @Test
    void aContextSectionRunsToTheNextHeaderOrToTheFirstObservation() {
        assertThat(extractor.extract("INDICATION: Cough. Pneumonia? FINDINGS: Lungs are clear."))
                .containsEntry(PNEUMONIA, ABSENT);
        assertThat(extractor.extract("CHEST X-RAY. Clinical details: cough. Heart not enlarged. Small left effusion."))
                .containsEntry(CARDIOMEGALY, ABSENT)
                .containsEntry(PLEURAL_EFFUSION, PRESENT);
        assertThat(extractor.extract("COMPARISON: Prior film for pneumonia. Small right effusion."))
                .containsEntry(PNEUMONIA, NOT_MENTIONED)
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

        List<Map<Finding, FindingState>> parallel = IntStream.range(0, 2_000)
                .parallel()
                .mapToObj(i -> extractor.extract(report))
                .toList();

        assertThat(parallel).allSatisfy(labels -> assertThat(labels).isEqualTo(alone));
        assertThat(alone).containsEntry(CARDIOMEGALY, PRESENT).containsEntry(PNEUMONIA, UNCERTAIN);
    }
}

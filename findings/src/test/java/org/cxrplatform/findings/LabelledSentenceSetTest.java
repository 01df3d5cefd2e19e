package org.cxrplatform.findings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The extractor on the hand-labelled sentence set. Prints the per-finding table and every
 * disagreement, then holds the labeller to floors that a regression in the rules would break.
 */
class LabelledSentenceSetTest {

    private static final FindingsExtractor EXTRACTOR = new FindingsExtractor();
    private static List<LabelledSentence> sentences;
    private static LabelerQuality quality;

    @BeforeAll
    static void measure() throws IOException {
        sentences = SentenceSets.read("/org/cxrplatform/findings/labelled-sentences.tsv");
        quality = LabelerQuality.measure(EXTRACTOR, sentences);
        System.out.println("Findings extractor on " + sentences.size() + " labelled sentences");
        System.out.println(quality.table());
        SentenceSets.printDisagreements(EXTRACTOR, sentences);
    }

    @Test
    void theSetIsLargeAndCoversEveryFindingInEveryState() {
        assertThat(sentences).hasSizeGreaterThanOrEqualTo(150);
        for (Finding finding : Finding.values()) {
            for (FindingState state : LabelerQuality.SCORED) {
                assertThat(quality.score(finding, state).support())
                        .as("%s %s examples", finding, state)
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void labelsAgreeOverall() {
        assertThat(quality.accuracy()).isGreaterThanOrEqualTo(0.98);
        assertThat(quality.mentionedCorrectly().f1()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void everyFindingIsFoundWhenPresent() {
        for (Finding finding : Finding.values()) {
            assertThat(quality.score(finding, FindingState.PRESENT).f1())
                    .as("%s PRESENT F1", finding)
                    .isGreaterThanOrEqualTo(0.9);
        }
    }

    @Test
    void negationAndUncertaintyHoldUp() {
        assertThat(quality.overall(FindingState.ABSENT).f1()).as("ABSENT F1").isGreaterThanOrEqualTo(0.93);
        assertThat(quality.overall(FindingState.UNCERTAIN).f1())
                .as("UNCERTAIN F1")
                .isGreaterThanOrEqualTo(0.85);
    }
}

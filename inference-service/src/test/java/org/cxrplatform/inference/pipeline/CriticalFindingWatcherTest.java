package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.junit.jupiter.api.Test;

class CriticalFindingWatcherTest {

    private final CriticalFindingWatcher watcher =
            new CriticalFindingWatcher(Findings.READER, Set.of(Finding.PNEUMOTHORAX));

    @Test
    void readsOnlyCompleteSentencesWhileStreaming() {
        assertThat(watcher.onText("Large left pneumothorax")).isEmpty();
        assertThat(watcher.onText("Large left pneumothorax."))
                .as("the sentence may still go on")
                .isEmpty();
        assertThat(watcher.onText("Large left pneumothorax. Heart"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.finding()).isEqualTo(Finding.PNEUMOTHORAX);
                    assertThat(r.state()).isEqualTo(FindingState.PRESENT);
                    assertThat(r.excerpt()).containsIgnoringCase("pneumothorax");
                });
        assertThat(watcher.anyRaised()).isTrue();
    }

    @Test
    void raisesAFindingOnlyOnce() {
        assertThat(watcher.onText("Small right apical pneumothorax. ")).hasSize(1);
        assertThat(watcher.onText("Small right apical pneumothorax. Pneumothorax persists. "))
                .isEmpty();
        assertThat(watcher.finish("Small right apical pneumothorax. Pneumothorax persists."))
                .isEmpty();
    }

    @Test
    void aNegatedFindingRaisesNothing() {
        assertThat(watcher.onText("No pneumothorax. ")).isEmpty();
        assertThat(watcher.finish("No pneumothorax. No pleural effusion.")).isEmpty();
        assertThat(watcher.anyRaised()).isFalse();
    }

    @Test
    void theFinalTextIsReadEvenWithoutAClosingFullStop() {
        assertThat(watcher.onText("Heart size is normal. There is a small pneumothorax"))
                .isEmpty();
        assertThat(watcher.finish("Heart size is normal. There is a small pneumothorax"))
                .hasSize(1);
    }

    @Test
    void aHedgedPneumothoraxIsCodedButRaisesNothing() {
        String text = "Heart size is normal. There may be a small pneumothorax.";

        assertThat(Findings.READER.read(text).get(Finding.PNEUMOTHORAX).state()).isEqualTo(FindingState.UNCERTAIN);
        assertThat(watcher.finish(text)).isEmpty();
    }

    @Test
    void theQuestionAskedAndThePatientsHistoryRaiseNothing() {
        assertThat(watcher.finish(
                        "Assessment for pneumothorax is limited by the projection. Pneumothorax precautions."))
                .isEmpty();
        assertThat(watcher.finish(
                        "History of right pneumothorax. Right chest tube placed for pneumothorax. Lungs expanded."))
                .isEmpty();
        assertThat(watcher.anyRaised()).isFalse();
    }

    @Test
    void theExcerptIsTheSentenceThatPassedTheGuard() {
        String text = "Pneumothorax precautions. New small right apical pneumothorax.";

        assertThat(Findings.READER.read(text).get(Finding.PNEUMOTHORAX).excerpt())
                .isEqualTo("Pneumothorax precautions.");
        assertThat(watcher.finish(text))
                .singleElement()
                .satisfies(r -> assertThat(r.excerpt()).isEqualTo("New small right apical pneumothorax."));
    }

    @Test
    void findsTheEndOfTheLastCompleteSentence() {
        assertThat(CriticalFindingWatcher.completeSentencesEnd("A. B")).isEqualTo(2);
        assertThat(CriticalFindingWatcher.completeSentencesEnd("1.5 cm")).isZero();
        assertThat(CriticalFindingWatcher.completeSentencesEnd("line\nmore")).isEqualTo(5);
    }

    @Test
    void noCriticalFindingsConfiguredRaisesNothing() {
        CriticalFindingWatcher none = new CriticalFindingWatcher(Findings.READER, Set.of());
        assertThat(none.finish("Large pneumothorax.")).isEmpty();
    }
}

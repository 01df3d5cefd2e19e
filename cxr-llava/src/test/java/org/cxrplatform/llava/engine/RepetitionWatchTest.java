package org.cxrplatform.llava.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cxrplatform.llava.RepetitionGuard;
import org.junit.jupiter.api.Test;

class RepetitionWatchTest {

    /** Feeds the tokens one by one; returns how many were fed when the watch fired, or -1. */
    private static int firesAfter(RepetitionGuard guard, int... tokens) {
        RepetitionWatch watch = new RepetitionWatch(guard);
        int[] generated = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            generated[i] = tokens[i];
            if (watch.fires(generated, i + 1)) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void firesWhenARunOfEightTokensOccursTheThirdTime() {
        int[] loop = new int[30];
        for (int i = 0; i < loop.length; i++) {
            loop[i] = 100 + i % 8; // period 8: the first 8-gram recurs at 9 and 17
        }
        assertThat(firesAfter(RepetitionGuard.REPORT, loop)).isEqualTo(24); // third occurrence ends at token 24
    }

    @Test
    void twoOccurrencesAndShortRepeatsDoNotFire() {
        int[] twice = new int[16];
        for (int i = 0; i < 16; i++) {
            twice[i] = i % 8;
        }
        assertThat(firesAfter(RepetitionGuard.REPORT, twice)).isEqualTo(-1);
        // "there is no X ." four times: the 3-token phrase repeats, no 8-token run does
        int[] phrases = {1, 2, 3, 10, 9, 1, 2, 3, 11, 9, 1, 2, 3, 12, 9, 1, 2, 3, 13, 9};
        assertThat(firesAfter(RepetitionGuard.REPORT, phrases)).isEqualTo(-1);
    }

    @Test
    void offNeverFiresAndBadSettingsAreRefused() {
        assertThat(firesAfter(RepetitionGuard.OFF, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))
                .isEqualTo(-1);
        assertThatThrownBy(() -> new RepetitionGuard(4, 1)).hasMessageContaining("occurrences ≥ 2");
        assertThatThrownBy(() -> new RepetitionGuard(-1, 3)).hasMessageContaining("ngram ≥ 1");
    }
}

package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.cxrplatform.inference.pipeline.PartitionLedger.State;
import org.junit.jupiter.api.Test;

/** Where a partition's offset may go while its studies finish out of order. */
class PartitionLedgerTest {

    @Test
    void theOffsetWaitsAtTheFirstUnfinishedStudyWhileLaterOnesFinish() {
        PartitionLedger l = new PartitionLedger();
        for (long o = 10; o <= 13; o++) {
            l.taken(o);
            l.set(o, State.IN_MODEL);
        }
        assertThat(l.position()).isEqualTo(10);
        assertThat(l.inModel()).containsExactly(10L, 11L, 12L, 13L);

        l.set(12, State.DONE); // a short report overtakes the three before it
        l.set(11, State.TAKEN); // finished, its outputs not acknowledged yet
        assertThat(l.advanced()).isFalse();
        assertThat(l.position()).as("never past an unfinished study").isEqualTo(10);
        assertThat(l.inModel()).containsExactly(10L, 13L);

        l.set(10, State.DONE);
        assertThat(l.advanced()).isTrue();
        assertThat(l.position()).as("up to the study whose outputs are pending").isEqualTo(11);
        l.committed(11);
        assertThat(l.advanced()).isFalse();

        l.set(11, State.DONE);
        l.set(13, State.DONE);
        assertThat(l.position()).isEqualTo(14);
        l.committed(14);
        assertThat(l.position()).as("nothing open").isEqualTo(-1);
        assertThat(l.inModel()).isEmpty();
    }

    @Test
    void aRewindStartsAtTheFirstOpenStudyAndForgetsTheRest() {
        PartitionLedger l = new PartitionLedger();
        l.taken(5);
        l.taken(6);
        l.set(5, State.DONE);
        assertThat(l.first()).isEqualTo(5);
        l.clear();
        l.set(6, State.DONE); // a late event of a forgotten study changes nothing
        assertThat(l.first()).isEqualTo(-1);
        assertThat(l.position()).isEqualTo(-1);
    }
}

package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.cxrplatform.contracts.Lane;
import org.junit.jupiter.api.Test;

class LaneSchedulerTest {

    private static List<Lane> serve(LaneScheduler s, int calls) {
        List<Lane> order = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            Lane next = s.next(true, true);
            s.served(next);
            order.add(next);
        }
        return order;
    }

    @Test
    void statGoesFirstWhenOnlyOneLaneHasWork() {
        LaneScheduler s = new LaneScheduler(0.2);
        assertThat(s.next(true, false)).isEqualTo(Lane.STAT);
        assertThat(s.next(false, true)).isEqualTo(Lane.ROUTINE);
        assertThat(s.next(false, false)).isNull();
        assertThat(s.next(true, true)).isEqualTo(Lane.STAT);
    }

    @Test
    void routineGetsItsShareUnderSteadyStatLoad() {
        LaneScheduler s = new LaneScheduler(0.2);
        List<Lane> order = serve(s, 10);
        assertThat(order)
                .containsExactly(
                        Lane.STAT,
                        Lane.STAT,
                        Lane.STAT,
                        Lane.STAT,
                        Lane.ROUTINE,
                        Lane.STAT,
                        Lane.STAT,
                        Lane.STAT,
                        Lane.STAT,
                        Lane.ROUTINE);
        assertThat(serve(new LaneScheduler(0.5), 4)).containsExactly(Lane.STAT, Lane.ROUTINE, Lane.STAT, Lane.ROUTINE);
    }

    @Test
    void zeroShareIsStrictPriority() {
        assertThat(serve(new LaneScheduler(0), 100)).containsOnly(Lane.STAT);
    }

    @Test
    void aStatArrivalAfterRoutineWorkIsServedNext() {
        LaneScheduler s = new LaneScheduler(0.2);
        for (int i = 0; i < 50; i++) {
            s.served(s.next(false, true));
        }
        assertThat(s.next(true, true)).isEqualTo(Lane.STAT);
    }

    @Test
    void rejectsAShareOutsideZeroToOne() {
        assertThatThrownBy(() -> new LaneScheduler(1.5)).hasMessageContaining("routine share");
    }
}

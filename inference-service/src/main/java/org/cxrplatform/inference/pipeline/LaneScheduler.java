package org.cxrplatform.inference.pipeline;

import org.cxrplatform.contracts.Lane;

/**
 * Decides which lane the next free engine slot serves while studies of both lanes wait. STAT
 * always goes first; while both lanes wait, routine gets one admission after every {@code period}
 * STAT admissions, where the period follows from the configured routine share (0.2 → one routine
 * admission per four STAT ones; 0 → strict priority, routine waits until STAT is empty), so a steady
 * STAT load never starves routine. Not thread-safe: used by the loop thread only.
 */
public final class LaneScheduler {

    private final int statPerRoutine;
    private int statSinceRoutine;

    public LaneScheduler(double routineShare) {
        if (routineShare < 0 || routineShare > 1) {
            throw new IllegalArgumentException("routine share must be within [0, 1], was " + routineShare);
        }
        this.statPerRoutine =
                routineShare == 0 ? Integer.MAX_VALUE : (int) Math.ceil((1 - routineShare) / routineShare - 1e-9);
    }

    /** The lane to serve next, or null when neither has work. */
    public Lane next(boolean statWaiting, boolean routineWaiting) {
        if (statWaiting && routineWaiting) {
            return statSinceRoutine >= statPerRoutine ? Lane.ROUTINE : Lane.STAT;
        }
        if (statWaiting) {
            return Lane.STAT;
        }
        return routineWaiting ? Lane.ROUTINE : null;
    }

    /** Records that a study of {@code lane} was admitted. */
    public void served(Lane lane) {
        if (lane == Lane.STAT) {
            statSinceRoutine = statSinceRoutine == Integer.MAX_VALUE ? statSinceRoutine : statSinceRoutine + 1;
        } else {
            statSinceRoutine = 0;
        }
    }
}

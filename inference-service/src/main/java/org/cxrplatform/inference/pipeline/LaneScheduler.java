package org.cxrplatform.inference.pipeline;

import org.cxrplatform.contracts.Lane;

/**
 * Decides which lane the next model call serves. STAT always goes first; while both lanes have
 * work, routine gets one call after every {@code period} STAT calls, where the period follows
 * from the configured routine share (0.2 → one routine call per four STAT calls; 0 → strict
 * priority, routine waits until STAT is empty). Not thread-safe: used by the worker thread only.
 */
public final class LaneScheduler {

    private final int statCallsPerRoutineCall;
    private int statCallsSinceRoutine;

    public LaneScheduler(double routineShare) {
        if (routineShare < 0 || routineShare > 1) {
            throw new IllegalArgumentException("routine share must be within [0, 1], was " + routineShare);
        }
        this.statCallsPerRoutineCall = routineShare == 0 ? Integer.MAX_VALUE
                : (int) Math.ceil((1 - routineShare) / routineShare - 1e-9);
    }

    /** The lane to serve next, or null when neither has work. */
    public Lane next(boolean statWaiting, boolean routineWaiting) {
        if (statWaiting && routineWaiting) {
            return statCallsSinceRoutine >= statCallsPerRoutineCall ? Lane.ROUTINE : Lane.STAT;
        }
        if (statWaiting) {
            return Lane.STAT;
        }
        return routineWaiting ? Lane.ROUTINE : null;
    }

    /** Records that a model call served {@code lane}. */
    public void served(Lane lane) {
        if (lane == Lane.STAT) {
            statCallsSinceRoutine = statCallsSinceRoutine == Integer.MAX_VALUE ? statCallsSinceRoutine : statCallsSinceRoutine + 1;
        } else {
            statCallsSinceRoutine = 0;
        }
    }

    /** STAT calls that may run back to back while routine waits. */
    public int statCallsPerRoutineCall() {
        return statCallsPerRoutineCall;
    }
}

package org.cxrplatform.inference.pipeline;

import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * How many studies the loop lets into the engine at once. The engine's memory budget sizes its
 * slots so that a full batch fits; this is the second line of defence for when it did not: an
 * engine step that ran out of memory halves the limit, and each {@code recoveryStudies} studies
 * completed since then double it back, up to the slots. Loop thread only.
 */
final class AdmissionLimit {

    private static final Logger LOG = Logger.getLogger(AdmissionLimit.class);

    private final int slots;
    private final int recoveryStudies;
    private int limit;
    private int sinceHalving;

    AdmissionLimit(int slots, int recoveryStudies) {
        this.slots = slots;
        this.recoveryStudies = recoveryStudies;
        this.limit = slots;
    }

    int current() {
        return limit;
    }

    /** A step with {@code running} studies ran out of memory. */
    void halve(int running) {
        limit = Math.max(1, Math.min(limit, running / 2));
        sinceHalving = 0;
        LOG.warnf(
                "an engine step with %d studies ran out of memory: admitting at most %d until %d studies have completed",
                running, limit, recoveryStudies);
    }

    void completed() {
        if (limit < slots && ++sinceHalving >= recoveryStudies) {
            limit = Math.min(slots, limit * 2);
            sinceHalving = 0;
            LOG.infof(
                    "%d studies completed since the last out-of-memory step; admitting up to %d again",
                    recoveryStudies, limit);
        }
    }

    /** Java heap exhaustion or an accelerator's "out of memory" (CUDA, DJL EngineException...). */
    static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String name = t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            String msg = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (name.contains("outofmemory")
                    || msg.contains("out of memory")
                    || msg.contains("cuda_error_out_of_memory")) {
                return true;
            }
        }
        return false;
    }
}

package org.cxrplatform.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code cxr.inference.*}: lanes, batching, priority and failure handling. Documented with defaults
 * in application.properties; {@link org.cxrplatform.inference.pipeline.WorkerSettings} validates
 * the values and names the key of any bad one.
 */
@ConfigMapping(prefix = "cxr.inference")
public interface InferenceConfig {

    /** Lanes this replica consumes: "stat", "routine" or both. */
    @WithDefault("stat,routine")
    List<String> lanes();

    /** Name of this deployment (the Helm chart sets it, e.g. "stat" or "batch"); shown in logs. */
    Optional<String> laneName();

    /** Consumer group prefix; each lane uses {@code <group-id>-<lane>}. */
    @WithDefault("cxr-inference")
    String groupId();

    Stat stat();

    Routine routine();

    /** Share of model calls given to routine while both lanes have work (0 = strict priority, 1 = alternate). */
    @WithDefault("0.2")
    double routineShare();

    /** Attempts before a failing study goes to the dead-letter topic; also process deaths with it alone in the model (in-flight guard). */
    @WithDefault("3")
    int maxAttempts();

    /** Findings that raise a CriticalAlert when PRESENT or UNCERTAIN. */
    @WithDefault("PNEUMOTHORAX")
    List<String> criticalFindings();

    /** Successful batches after an out-of-memory halving before the batch size doubles again. */
    @WithDefault("20")
    int oomRecoveryBatches();

    /** How long shutdown waits for the batch in progress before leaving its offsets uncommitted. */
    @WithDefault("30s")
    Duration shutdownTimeout();

    interface Stat {
        @WithDefault("4")
        int batchSize();

        @WithDefault("20ms")
        Duration maxWait();
    }

    interface Routine {
        @WithDefault("16")
        int batchSize();

        @WithDefault("500ms")
        Duration maxWait();
    }
}

package org.cxrplatform.inference.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code cxr.inference.*}: lanes, priority and failure handling. Defaults in application.properties;
 * {@link org.cxrplatform.inference.pipeline.WorkerSettings} validates the values and names the
 * key of any bad one.
 */
@ConfigMapping(prefix = "cxr.inference")
public interface InferenceConfig {

    /** Lanes this replica consumes: "stat", "routine" or both. */
    List<String> lanes();

    /** Name of this deployment (the Helm chart sets it, e.g. "stat" or "batch"); shown in logs. */
    Optional<String> laneName();

    /** Consumer group prefix; each lane uses {@code <group-id>-<lane>}. */
    String groupId();

    /** Share of engine admissions given to routine while both lanes have work waiting (0 = strict priority, 1 = alternate). */
    double routineShare();

    /** Attempts before a failing study goes to the dead-letter topic; also process deaths with it alone in the model (in-flight guard). */
    int maxAttempts();

    /** Findings that raise a CriticalAlert when PRESENT or UNCERTAIN. */
    List<String> criticalFindings();

    /** Studies completed after an out-of-memory step (which halves the admission limit) before the limit doubles again. */
    int oomRecoveryStudies();

    /** How long shutdown waits for the studies in the engine to finish before leaving their offsets uncommitted. */
    Duration shutdownTimeout();
}

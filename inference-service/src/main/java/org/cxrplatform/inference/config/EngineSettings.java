package org.cxrplatform.inference.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * {@code cxr.engine.*}: the continuous-batching engine the studies share (cxr-llava's
 * {@code EngineConfig}). Defaults in application.properties; the model service turns them into an
 * {@code EngineConfig} and names the key of any bad value.
 */
@ConfigMapping(prefix = "cxr.engine")
public interface EngineSettings {

    /** Studies decoded together at most; the start is refused when the memory budget does not hold them. */
    int slots();

    /** Slots only STAT studies may take, so a STAT study is admitted at the next step (replicas reading both lanes). */
    int reservedStatSlots();

    /** Prompt positions prefilled per step, over all admitted prompts: a long prompt is prefilled in pieces. */
    int prefillChunk();

    /** Positions per study (prompt + report); 0 = min(2048, the model's maximum). */
    int context();

    /**
     * Memory for the KV cache and one step's activations, beyond the weights. Unset = automatic: on
     * a GPU 90 % of the device's free memory once the weights are loaded, on the CPU the library's
     * 4 GiB.
     */
    Optional<MemorySize> memory();
}

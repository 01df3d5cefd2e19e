package org.cxrplatform.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code cxr.model.*}: which checkpoint to load and where it runs. */
@ConfigMapping(prefix = "cxr.model")
public interface ModelConfig {

    /** Checkpoint folder; empty means the tiny demo model bundled with cxr-llava. */
    Optional<String> dir();

    /** cpu | gpu | gpu:N */
    @WithDefault("cpu")
    String device();

    /** fp32 | fp16 | bf16 (fp32 only on the CPU) */
    @WithDefault("fp32")
    String dtype();

    /**
     * PyTorch intra- and inter-op threads on the CPU; 0 = PyTorch's default (one per core). 1 by
     * default: the tiny model gains nothing from more, and on a shared node spinning OpenMP threads
     * made a 16-study batch 70x slower in our measurements. Raise it for real weights on a CPU node.
     */
    @WithDefault("1")
    int cpuThreads();
}

package org.cxrplatform.inference.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** {@code cxr.model.*}: which checkpoint to load and where it runs. Defaults in application.properties. */
@ConfigMapping(prefix = "cxr.model")
public interface ModelConfig {

    /** Checkpoint folder; empty means the tiny demo model bundled with cxr-llava. */
    Optional<String> dir();

    /** cpu | gpu | gpu:N */
    String device();

    /** fp32 | fp16 | bf16 (fp32 only on the CPU) */
    String dtype();

    /**
     * PyTorch intra- and inter-op threads on the CPU; 0 = PyTorch's default (one per core). The tiny
     * model gains nothing from more than one, and on a shared node spinning OpenMP threads made a
     * 16-study batch 70x slower in our measurements. Raise it for real weights on a CPU node.
     */
    int cpuThreads();
}

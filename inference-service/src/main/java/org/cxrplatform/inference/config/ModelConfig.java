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
}

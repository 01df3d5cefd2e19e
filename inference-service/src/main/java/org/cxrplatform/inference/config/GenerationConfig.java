package org.cxrplatform.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.OptionalInt;

/** {@code cxr.generation.*}: how reports are decoded (greedy by default, for reproducible reports). */
@ConfigMapping(prefix = "cxr.generation")
public interface GenerationConfig {

    /** Token budget per report; empty means the library's default. */
    OptionalInt maxNewTokens();

    /** 0 = greedy. */
    @WithDefault("0")
    float temperature();

    @WithDefault("1.0")
    float topP();

    @WithDefault("0")
    long seed();
}

package org.cxrplatform.inference.config;

import io.smallrye.config.ConfigMapping;
import java.util.OptionalInt;

/**
 * {@code cxr.generation.*}: how reports are decoded. Defaults (application.properties) are the
 * reference's report settings, temperature 0.2 and top-p 0.8, with the repetition guard; each
 * study samples with a seed derived from {@link #seed()} and its image, so the same image and
 * settings give the same report. Temperature 0 is greedy (argmax).
 */
@ConfigMapping(prefix = "cxr.generation")
public interface GenerationConfig {

    /** Token budget per report; empty means the library's default. */
    OptionalInt maxNewTokens();

    /** 0 = greedy. */
    float temperature();

    float topP();

    /** Mixed with each study's image digest into the study's own seed. */
    long seed();

    /** Stop a report whose 8-token run occurs a third time (cxr-llava's RepetitionGuard.REPORT). */
    boolean repetitionGuard();
}

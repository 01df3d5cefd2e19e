package org.cxrplatform.ingest.support;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.cxrplatform.ingest.config.IngestConfig;

/** The service's configuration read as the application reads it (IngestConfig's defaults), with the keys a test sets. */
public final class TestConfig {

    private TestConfig() {}

    /** @throws IllegalArgumentException (or SmallRye's ConfigValidationException) naming a bad key, as at start-up */
    public static IngestConfig of(Map<String, String> properties) {
        IngestConfig config = new SmallRyeConfigBuilder()
                .withMapping(IngestConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus' forms: 10s, 30d
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build()
                .getConfigMapping(IngestConfig.class);
        config.validate();
        return config;
    }

    public static IngestConfig defaults() {
        return of(Map.of());
    }
}

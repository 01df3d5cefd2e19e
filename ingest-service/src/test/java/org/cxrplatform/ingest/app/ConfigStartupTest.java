package org.cxrplatform.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The application refuses to start on a configuration IngestConfig.validate() rejects, and says which keys. */
@QuarkusMainTest
@TestProfile(ConfigStartupTest.Invalid.class)
class ConfigStartupTest {

    public static class Invalid implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "cxr.ingest.backlog.protocol",
                    "DICOMWEB", // without cxr.ingest.backlog.dicomweb-url
                    "cxr.ingest.render.max-edge",
                    "10",
                    // Safety net: a service that let the two through would fail later, building its Kafka producer,
                    // without naming them (the test then fails instead of waiting for a service that never exits).
                    "kafka.linger.ms",
                    "not-a-number");
        }
    }

    @Test
    @Launch(
            value = {},
            exitCode = 1)
    void startUpFailsNamingEachBadKey(LaunchResult result) {
        assertThat(result.getOutput() + result.getErrorOutput())
                .contains("cxr.ingest.backlog.dicomweb-url is required with cxr.ingest.backlog.protocol=DICOMWEB")
                .contains("cxr.ingest.render.max-edge must be >= 64, was 10");
    }
}

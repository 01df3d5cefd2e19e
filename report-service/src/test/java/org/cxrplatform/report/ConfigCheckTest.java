package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up checks name the offending key; the documented defaults pass. */
class ConfigCheckTest {

    static ReportConfig config(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("cxr.report.ris.endpoints[0].host", "127.0.0.1");
        p.put("cxr.report.ris.endpoints[0].port", "2575");
        p.putAll(overrides);
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withMapping(ReportConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(p, "test", 500))
                .build();
        return c.getConfigMapping(ReportConfig.class);
    }

    @Test
    void defaultsPass() {
        assertThat(ConfigCheck.problems(config(Map.of()))).isEmpty();
        ReportConfig c = config(Map.of());
        assertThat(c.ris().endpoints())
                .singleElement()
                .satisfies(e -> assertThat(e.destination()).isEqualTo("RIS:127.0.0.1:2575"));
        assertThat(c.outbox().maxAttempts()).isEqualTo(10);
        assertThat(c.pacs().srKind()).isEqualTo(ReportConfig.SrKind.COMPREHENSIVE);
    }

    @Test
    void badValuesAreReportedWithTheirKeys() {
        ReportConfig c = config(Map.of(
                "cxr.report.outbox.max-attempts", "0",
                "cxr.report.outbox.initial-backoff", "10s",
                "cxr.report.outbox.max-backoff", "1s",
                "cxr.report.ris.endpoints[1].host", "127.0.0.1",
                "cxr.report.ris.endpoints[1].port", "2575",
                "cxr.report.pacs.enabled", "true",
                "cxr.report.pacs.port", "70000",
                "cxr.report.pacs.ae-title", "A_TITLE_LONGER_THAN_16"));
        assertThat(ConfigCheck.problems(c))
                .anySatisfy(e -> assertThat(e).startsWith("cxr.report.outbox.max-attempts"))
                .anySatisfy(e -> assertThat(e).startsWith("cxr.report.outbox.max-backoff"))
                .anySatisfy(e -> assertThat(e).startsWith("cxr.report.ris.endpoints[1] repeats destination"))
                .anySatisfy(e -> assertThat(e).startsWith("cxr.report.pacs.port"))
                .anySatisfy(e -> assertThat(e).startsWith("cxr.report.pacs.ae-title"))
                .hasSize(5);
    }

    @Test
    void stowProtocolNeedsAUrlAndSkipsTheDimseChecks() {
        ReportConfig c = config(Map.of(
                "cxr.report.pacs.enabled",
                "true",
                "cxr.report.pacs.protocol",
                "STOW",
                "cxr.report.pacs.ae-title",
                "A_TITLE_LONGER_THAN_16"));
        assertThat(ConfigCheck.problems(c))
                .containsExactly("cxr.report.pacs.stow-url must be set when cxr.report.pacs.protocol=STOW");
        ReportConfig ok = config(Map.of(
                "cxr.report.pacs.enabled",
                "true",
                "cxr.report.pacs.protocol",
                "STOW",
                "cxr.report.pacs.stow-url",
                "http://pacs:8042/dicom-web"));
        assertThat(ConfigCheck.problems(ok)).isEmpty();
        assertThat(ok.pacs().protocol()).isEqualTo(ReportConfig.PacsProtocol.STOW);
    }

    @Test
    void aWebhookBeyondThisHostNeedsASecretOfAtLeast32Characters() {
        assertThat(ConfigCheck.problems(config(Map.of("cxr.report.alerts.webhook-url", "https://pager.example/hook"))))
                .singleElement()
                .satisfies(e -> assertThat(e).startsWith("cxr.report.alerts.webhook-secret must be set"));
        assertThat(ConfigCheck.problems(config(Map.of(
                        "cxr.report.alerts.webhook-url", "https://pager.example/hook",
                        "cxr.report.alerts.webhook-secret", "too-short"))))
                .containsExactly("cxr.report.alerts.webhook-secret must have at least 32 characters, it has 9");
        assertThat(ConfigCheck.problems(config(Map.of(
                        "cxr.report.alerts.webhook-url", "https://pager.example/hook",
                        "cxr.report.alerts.webhook-secret", "0123456789abcdef0123456789abcdef"))))
                .isEmpty();
        // a receiver on this host (a sidecar) may go unsigned
        assertThat(ConfigCheck.problems(config(Map.of("cxr.report.alerts.webhook-url", "http://127.0.0.1:9000/hook"))))
                .isEmpty();
        assertThat(ConfigCheck.problems(config(Map.of("cxr.report.alerts.webhook-url", "http://localhost:9000/hook"))))
                .isEmpty();
    }
}

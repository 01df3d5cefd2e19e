package org.cxrplatform.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which configured Kafka client settings reach a service's hand-built clients, and which cannot. */
class KafkaClientSettingsTest {

    @Test
    void collectsEveryKafkaPropertyAndEnvVarWithThePrefixStripped() {
        // Iteration order as a config would resolve it: the env var is looked up by its own name.
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", "broker:9093");
        config.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        config.put("kafka.ssl.endpoint.identification.algorithm", "");
        config.put("cxr.inference.group-id", "g");
        config.put("quarkus.kafka.devservices.enabled", "false");
        config.put("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/cxr/kafka/ca.p12");
        config.put("HOME", "/root");

        Map<String, String> props = KafkaClientSettings.from(config.keySet(), n -> Optional.ofNullable(config.get(n)));

        assertThat(props)
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/cxr/kafka/ca.p12")
                // empty means "not set": the client default applies
                .doesNotContainKey("ssl.endpoint.identification.algorithm")
                .doesNotContainKeys("group-id", "devservices.enabled", "home")
                .allSatisfy((k, v) -> assertThat(k).doesNotStartWith("kafka.").doesNotContain("_"));
    }

    @Test
    void configuredSettingsOverrideDefaultsButNeverThePinnedOnes() {
        Map<String, Object> merged = KafkaClientSettings.merge(
                "test",
                Map.of("linger.ms", 2, "client.id", "a"),
                Map.of("linger.ms", "10", "acks", "1", "security.protocol", "SSL"),
                Map.of("acks", "all"));
        assertThat(merged)
                .containsEntry("linger.ms", "10")
                .containsEntry("client.id", "a")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("acks", "all");
    }
}

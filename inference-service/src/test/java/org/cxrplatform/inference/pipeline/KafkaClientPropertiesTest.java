package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.llava.GenerationOptions;
import org.junit.jupiter.api.Test;

/** Which configured Kafka client properties reach the consumers and the producer, and which cannot. */
class KafkaClientPropertiesTest {

    private static SmallRyeConfig config(Map<String, String> properties, Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .withSources(new EnvConfigSource(env, 300))
                .build();
    }

    @Test
    void collectsEveryKafkaPropertyAndEnvVarWithThePrefixStripped() {
        SmallRyeConfig config = config(Map.of(
                        "kafka.bootstrap.servers", "broker:9093",
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.mechanism", "SCRAM-SHA-512",
                        "kafka.ssl.endpoint.identification.algorithm", "",
                        "cxr.inference.group-id", "g",
                        "quarkus.kafka.devservices.enabled", "false"),
                Map.of("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/cxr/kafka/ca.p12",
                        "KAFKA_SSL_TRUSTSTORE_PASSWORD", "secret",
                        "KAFKA_SECURITY_PROTOCOL", "SSL",
                        "HOME", "/root"));

        Map<String, String> props = KafkaClientProperties.from(config);

        assertThat(props).containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/cxr/kafka/ca.p12")
                .containsEntry("ssl.truststore.password", "secret")
                // the env var wins over application.properties, as for every key
                .containsEntry("security.protocol", "SSL")
                // empty means "not set": the client default applies
                .doesNotContainKey("ssl.endpoint.identification.algorithm")
                .doesNotContainKeys("group-id", "devservices.enabled", "home")
                .allSatisfy((k, v) -> assertThat(k).doesNotStartWith("kafka.").doesNotContain("_"));
    }

    @Test
    void configuredPropertiesOverrideDefaultsButNeverThePinnedOnes() {
        Map<String, Object> merged = KafkaClientProperties.merge("test", Map.of("linger.ms", 2, "client.id", "a"),
                Map.of("linger.ms", "10", "acks", "1", "security.protocol", "SSL"),
                Map.of("acks", "all"));
        assertThat(merged).containsEntry("linger.ms", "10").containsEntry("client.id", "a")
                .containsEntry("security.protocol", "SSL").containsEntry("acks", "all");
    }

    private static final Map<String, String> HOSTILE = Map.of(
            "security.protocol", "SSL",
            "ssl.truststore.location", "/etc/cxr/kafka/ca.p12",
            "sasl.jaas.config", "x required;",
            "acks", "0",
            "enable.idempotence", "false",
            "enable.auto.commit", "true",
            "isolation.level", "read_uncommitted",
            "group.id", "someone-else",
            "auto.offset.reset", "latest",
            "bootstrap.servers", "elsewhere:9092");

    @Test
    void theProducerGetsTlsAndSaslButKeepsAcksAllAndIdempotence() {
        Map<String, Object> p = OutputPublisher.producerConfig("broker:9093", "cxr-inference-x", HOSTILE);
        assertThat(p).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/cxr/kafka/ca.p12")
                .containsEntry("sasl.jaas.config", "x required;")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("client.id", "cxr-inference-x");
    }

    @Test
    void theLaneConsumersGetTlsAndSaslButKeepManualCommitsTheirGroupAndIsolation() {
        WorkerSettings settings = new WorkerSettings("broker:9093", "cxr-inference", EnumSet.allOf(Lane.class),
                WorkerSettings.defaultTopics(), "r", "a", "d",
                Map.of(Lane.STAT, new WorkerSettings.BatchPolicy(4, Duration.ofMillis(20)),
                        Lane.ROUTINE, new WorkerSettings.BatchPolicy(16, Duration.ofMillis(500))),
                0.2, 3, Set.of(), GenerationOptions.greedy(), 20, HOSTILE);
        Map<String, Object> c = InferenceWorker.consumerConfig(settings, Lane.STAT, "cxr-inference-x-stat");
        assertThat(c).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/cxr/kafka/ca.p12")
                .containsEntry("sasl.jaas.config", "x required;")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("group.id", "cxr-inference-stat")
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("client.id", "cxr-inference-x-stat");
    }
}

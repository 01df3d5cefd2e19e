package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.llava.GenerationOptions;
import org.junit.jupiter.api.Test;

/** Configured Kafka settings (TLS, SASL) reach the consumers and the producer; delivery-critical ones cannot be changed. */
class KafkaClientConfigTest {

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
        assertThat(p)
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/cxr/kafka/ca.p12")
                .containsEntry("sasl.jaas.config", "x required;")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("client.id", "cxr-inference-x");
    }

    @Test
    void theLaneConsumersGetTlsAndSaslButKeepManualCommitsTheirGroupAndIsolation() {
        WorkerSettings settings = new WorkerSettings(
                "broker:9093",
                "cxr-inference",
                EnumSet.allOf(Lane.class),
                WorkerSettings.defaultTopics(),
                "r",
                "a",
                "d",
                0.2,
                3,
                Set.of(),
                GenerationOptions.greedy(),
                20,
                HOSTILE);
        Map<String, Object> c = LaneConsumer.consumerConfig(settings, Lane.STAT, "cxr-inference-x-stat", 32);
        assertThat(c)
                .containsEntry("security.protocol", "SSL")
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

package org.cxrplatform.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.Stage;
import org.cxrplatform.devstack.Devstack;
import org.junit.jupiter.api.Test;

/** Acknowledged publishing on the real broker, and the re-check of attempts that timed out in flight. */
class EventPublisherTest {

    @Test
    void aRetriedEventThatTheBrokerAlreadyWroteIsNotWrittenTwice() throws Exception {
        String topic = "ingest-publisher-test-" + UUID.randomUUID();
        Devstack.createTopics(List.of(topic), 3);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (EventPublisher publisher =
                new EventPublisher(Devstack.kafkaBootstrap(), Duration.ofSeconds(5), Map.of(), metrics)) {
            long before = System.currentTimeMillis() - 1000;
            RecordMetadata first = publisher.publish(topic, letter("a"), "event-a", null);
            // As if that attempt had expired in flight after the broker appended it:
            publisher.markUncertain("event-a", topic, "study-1", before);
            RecordMetadata again = publisher.publish(topic, letter("a"), "event-a", null);
            assertThat(again.offset()).isEqualTo(first.offset());
            assertThat(again.partition()).isEqualTo(first.partition());
            // An uncertain attempt the broker never wrote is sent on retry.
            publisher.markUncertain("event-b", topic, "study-1", System.currentTimeMillis());
            publisher.publish(topic, letter("b"), "event-b", null);
            assertThat(metrics.counter("cxr.ingest.publish.deduplicated", "topic", topic)
                            .count())
                    .isEqualTo(1.0);
        }
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        Devstack.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "t-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (ids.size() < 2 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    ids.add(EventHeaders.get(r.headers(), EventHeaders.ID).orElseThrow());
                }
            }
            c.poll(Duration.ofSeconds(1))
                    .forEach(r -> ids.add(
                            EventHeaders.get(r.headers(), EventHeaders.ID).orElseThrow()));
        }
        assertThat(ids).containsExactlyInAnyOrder("event-a", "event-b");
    }

    /** Any event keyed "study-1". */
    private static DeadLetter letter(String reason) {
        return DeadLetter.ofQuarantined(Stage.INGEST, "study-1", reason, "/nowhere");
    }
}

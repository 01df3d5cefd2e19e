package org.cxrplatform.ingest.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;

/** Reads every record of the study and DLQ topics from the beginning, with a real consumer. */
public final class EventCollector implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    /** By topic-partition@offset: a consumer that rejoins after a broker restart re-reads from the start (no commits). */
    private final java.util.Map<String, ConsumerRecord<String, byte[]>> records = new java.util.LinkedHashMap<>();

    public EventCollector() {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        Devstack.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "ingest-test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.STUDIES_STAT, Topics.STUDIES_ROUTINE, Topics.DLQ));
    }

    /** Polls once more and returns everything seen so far. */
    public synchronized List<ConsumerRecord<String, byte[]>> poll() {
        consumer.poll(Duration.ofMillis(500))
                .forEach(r -> records.putIfAbsent(r.topic() + "-" + r.partition() + "@" + r.offset(), r));
        return List.copyOf(records.values());
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}

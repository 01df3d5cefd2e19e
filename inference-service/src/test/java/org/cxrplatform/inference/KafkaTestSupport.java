package org.cxrplatform.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cxrplatform.devstack.Devstack;

/** Plain Kafka clients against the devstack broker, for tests and the benchmark. */
public final class KafkaTestSupport {

    private KafkaTestSupport() {}

    public static String bootstrap() {
        return Devstack.kafkaBootstrap();
    }

    public static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    public static void send(KafkaProducer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records) {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : records) {
            acks.add(producer.send(r));
        }
        for (java.util.concurrent.Future<?> f : acks) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException("test record not acknowledged", e);
            }
        }
    }

    /** Reads a whole topic from the beginning, continuing where the last call stopped. */
    public static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

        public TopicReader(String topic) {
            consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrap(),
                            ConsumerConfig.GROUP_ID_CONFIG,
                            "test-reader-" + UUID.randomUUID(),
                            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                            false,
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "earliest"),
                    new StringDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        /** Polls until {@code done} holds for everything read so far, or the timeout passes. */
        public List<ConsumerRecord<String, byte[]>> readUntil(
                Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(seen) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
            return List.copyOf(seen);
        }

        /** Everything that arrives within {@code quiet}. */
        public List<ConsumerRecord<String, byte[]>> drain(Duration quiet) {
            long deadline = System.nanoTime() + quiet.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

package org.cxrplatform.e2e.harness;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads every record of topics from the beginning to their current end (no consumer group, nothing committed). */
public final class TopicReader {

    /** One record with its value and headers decoded as UTF-8 text (for scans). */
    public record Rec(
            String topic,
            int partition,
            long offset,
            String key,
            byte[] value,
            Map<String, String> headers,
            long timestamp) {
        public String valueText() {
            return value == null ? "" : new String(value, StandardCharsets.UTF_8);
        }
    }

    private TopicReader() {}

    public static List<Rec> readAll(String bootstrap, List<String> topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Rec> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            Map<String, List<PartitionInfo>> all = c.listTopics(Duration.ofSeconds(30));
            for (String t : topics) {
                for (PartitionInfo pi : all.getOrDefault(t, List.of())) {
                    parts.add(new TopicPartition(t, pi.partition()));
                }
            }
            if (parts.isEmpty()) {
                return out;
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, Duration.ofSeconds(30)));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!end.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Map<String, String> headers = new HashMap<>();
                    for (Header h : r.headers()) {
                        headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
                    }
                    out.add(new Rec(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                            r.value(),
                            headers,
                            r.timestamp()));
                }
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
        }
        return out;
    }

    public static Map<String, Long> countByTopic(List<Rec> recs) {
        return recs.stream().collect(Collectors.groupingBy(Rec::topic, Collectors.counting()));
    }
}

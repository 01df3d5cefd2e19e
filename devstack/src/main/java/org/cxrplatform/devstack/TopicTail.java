package org.cxrplatform.devstack;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Prints the records of topics written since a point in time, one JSON value per line, until
 * {@code max} records were seen or {@code seconds} passed. The demo uses it to show events as
 * they arrive; operators can use it to look at the DLQ:
 * <pre>java -cp ... org.cxrplatform.devstack.TopicTail 127.0.0.1:9092 2026-11-28T10:00:00Z 60 5 cxr.reports cxr.alerts</pre>
 * Each line is {@code topic<TAB>key<TAB>value}. Exit code 0 when {@code max} records were seen, 1 on time-out.
 */
public final class TopicTail {

    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: TopicTail BOOTSTRAP SINCE(ISO-8601) SECONDS MAX TOPIC...");
            System.exit(2);
        }
        long since = Instant.parse(args[1]).toEpochMilli();
        long deadline = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
        int max = Integer.parseInt(args[3]);
        List<String> topics = List.of(args).subList(4, args.length);
        int seen = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        args[0],
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "tail-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(topics);
            while (seen < max && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.timestamp() >= since) {
                        System.out.println(r.topic() + "\t" + r.key() + "\t" + r.value());
                        System.out.flush();
                        seen++;
                    }
                }
            }
        }
        System.exit(seen >= max ? 0 : 1);
    }

    private TopicTail() {}
}

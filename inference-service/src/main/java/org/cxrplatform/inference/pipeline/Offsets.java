package org.cxrplatform.inference.pipeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Where records sit in their partitions: what a rewind seeks to and what an in-flight marker commits. */
final class Offsets {

    private Offsets() {
    }

    static TopicPartition partitionOf(ConsumerRecord<?, ?> r) {
        return new TopicPartition(r.topic(), r.partition());
    }

    /** The lowest offset of the records on each of their partitions. */
    static Map<TopicPartition, Long> firstPerPartition(List<? extends ConsumerRecord<?, ?>> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<?, ?> r : records) {
            first.merge(partitionOf(r), r.offset(), Math::min);
        }
        return first;
    }
}

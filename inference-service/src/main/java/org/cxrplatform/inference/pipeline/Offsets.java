package org.cxrplatform.inference.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Where a record sits: its partition, as the ledgers, the in-flight guard and rewinds key it. */
final class Offsets {

    private Offsets() {}

    static TopicPartition partitionOf(ConsumerRecord<?, ?> r) {
        return new TopicPartition(r.topic(), r.partition());
    }
}

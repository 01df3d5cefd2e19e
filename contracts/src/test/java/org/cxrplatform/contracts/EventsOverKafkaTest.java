package org.cxrplatform.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cxrplatform.devstack.DevstackExtension;
import org.cxrplatform.devstack.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events and their CloudEvents headers through a real broker, as the services exchange them. */
@ExtendWith(DevstackExtension.class)
class EventsOverKafkaTest {

    @Test
    void studyEventCrossesTheBrokerWithCloudEventsHeadersAndTrace(KafkaBroker kafka) {
        kafka.createTopics(Topics.ALL, 3);
        StudyEvent study = SampleEvents.study();
        String parent = EventHeaders.newTraceparent();
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(study.lane().topic(), study.studyInstanceUid(), EventJson.write(study));
        String written = EventHeaders.write(
                record.headers(), study, study.eventId(), "/cxr/ingest-service", EventHeaders.continueTrace(parent));

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        ConsumerRecord<String, byte[]> received = consumeOne(kafka, Topics.STUDIES_STAT);
        assertThat(received.key()).isEqualTo(study.studyInstanceUid());
        assertThat(EventJson.read(received.value(), StudyEvent.class)).isEqualTo(study);
        assertThat(EventHeaders.get(received.headers(), EventHeaders.SPEC_VERSION))
                .contains("1.0");
        assertThat(EventHeaders.get(received.headers(), EventHeaders.ID)).contains(study.eventId());
        assertThat(EventHeaders.get(received.headers(), EventHeaders.TYPE)).contains(StudyEvent.TYPE.ceType());
        assertThat(EventHeaders.get(received.headers(), EventHeaders.SUBJECT)).contains(study.studyInstanceUid());
        assertThat(EventHeaders.get(received.headers(), EventHeaders.DATA_SCHEMA))
                .contains("urn:cxrplatform:schema:study-event.v3.json");
        String traceparent =
                EventHeaders.get(received.headers(), EventHeaders.TRACEPARENT).orElseThrow();
        assertThat(traceparent).isEqualTo(written);
        assertThat(EventHeaders.isValidTraceparent(traceparent)).isTrue();
        // Same trace as the parent, new span.
        assertThat(traceparent.substring(3, 35)).isEqualTo(parent.substring(3, 35));
        assertThat(traceparent.substring(36, 52)).isNotEqualTo(parent.substring(36, 52));
    }

    @Test
    void aBrokenTraceparentStartsANewTraceInsteadOfPropagatingGarbage() {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        String tp = EventHeaders.write(headers, SampleEvents.deadLetter(), null, "/t", "00-zz-not-a-trace");
        assertThat(EventHeaders.isValidTraceparent(tp)).isTrue();
        assertThat(EventHeaders.isValidTraceparent(EventHeaders.continueTrace("00-zz-not-a-trace")))
                .isTrue();
        assertThat(EventHeaders.get(headers, EventHeaders.ID)).isPresent();
    }

    private static ConsumerRecord<String, byte[]> consumeOne(KafkaBroker kafka, String topic) {
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "contracts-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
        }
        assertThat(got).hasSize(1);
        return got.get(0);
    }
}

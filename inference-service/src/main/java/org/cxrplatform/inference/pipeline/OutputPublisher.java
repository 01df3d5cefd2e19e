package org.cxrplatform.inference.pipeline;

import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cxrplatform.contracts.CriticalAlert;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.Event;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.KafkaClientSettings;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.Stage;

/**
 * Writes the service's outputs to Kafka with CloudEvents headers and the study's trace
 * propagated: reports, alerts, dead letters, and failed studies put back on their lane. Sends are
 * asynchronous; callers wait on the returned futures before committing the input offsets.
 * Idempotent producer, {@code acks=all}. Thread-safe (KafkaProducer is).
 */
public final class OutputPublisher implements AutoCloseable {

    public static final String SOURCE = "/cxr/inference-service";

    private final Producer<String, byte[]> producer;
    private final String reportsTopic;
    private final String alertsTopic;
    private final String dlqTopic;

    public OutputPublisher(
            String bootstrapServers, String clientId, String reportsTopic, String alertsTopic, String dlqTopic) {
        this(bootstrapServers, clientId, reportsTopic, alertsTopic, dlqTopic, Map.of());
    }

    /** @param kafkaClient configured client properties (TLS, SASL, tuning); they cannot weaken acks or idempotence */
    public OutputPublisher(
            String bootstrapServers,
            String clientId,
            String reportsTopic,
            String alertsTopic,
            String dlqTopic,
            Map<String, String> kafkaClient) {
        this.producer = new KafkaProducer<>(
                producerConfig(bootstrapServers, clientId, kafkaClient),
                new StringSerializer(),
                new ByteArraySerializer());
        this.reportsTopic = reportsTopic;
        this.alertsTopic = alertsTopic;
        this.dlqTopic = dlqTopic;
    }

    /** The producer's config: tunable defaults, then {@code kafkaClient}, then what delivery depends on. */
    static Map<String, Object> producerConfig(
            String bootstrapServers, String clientId, Map<String, String> kafkaClient) {
        return KafkaClientSettings.merge(
                "producer",
                Map.of(
                        ProducerConfig.CLIENT_ID_CONFIG,
                        clientId,
                        ProducerConfig.LINGER_MS_CONFIG,
                        2,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "lz4",
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        8 * 1024 * 1024),
                kafkaClient,
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class.getName()));
    }

    public Future<RecordMetadata> report(ReportEvent report, String parentTraceparent) {
        return send(reportsTopic, report, report.reportId(), parentTraceparent);
    }

    public Future<RecordMetadata> alert(CriticalAlert alert, String parentTraceparent) {
        return send(alertsTopic, alert, alert.alertId(), parentTraceparent);
    }

    /** Gives up on a study: the original bytes go to the dead-letter topic with the reason. */
    public Future<RecordMetadata> deadLetter(
            ConsumerRecord<String, byte[]> original,
            String studyInstanceUid,
            String reason,
            Throwable error,
            int attempts) {
        DeadLetter letter = DeadLetter.of(Stage.INFERENCE, original, studyInstanceUid, reason, error, attempts);
        return send(dlqTopic, letter, null, traceparentOf(original));
    }

    /** One event under its own key, in a new span of the consumed study's trace. */
    private Future<RecordMetadata> send(String topic, Event event, String id, String parentTraceparent) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, event.key(), EventJson.write(event));
        EventHeaders.write(r.headers(), event, id, SOURCE, EventHeaders.continueTrace(parentTraceparent));
        return producer.send(r);
    }

    /** Puts a failed study back at the end of its lane with the attempt count in {@link EventHeaders#ATTEMPTS}. */
    public Future<RecordMetadata> requeue(ConsumerRecord<String, byte[]> original, int attempts) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(original.topic(), original.key(), original.value());
        for (Header h : original.headers()) {
            r.headers().add(h);
        }
        EventHeaders.set(r.headers(), EventHeaders.ATTEMPTS, Integer.toString(attempts));
        return producer.send(r);
    }

    public void flush() {
        producer.flush();
    }

    static String traceparentOf(ConsumerRecord<String, byte[]> record) {
        return EventHeaders.get(record.headers(), EventHeaders.TRACEPARENT).orElse(null);
    }

    /** How many times inference already tried this record (0 for a first delivery). */
    static int attemptsOf(ConsumerRecord<String, byte[]> record) {
        try {
            return EventHeaders.get(record.headers(), EventHeaders.ATTEMPTS)
                    .map(String::trim)
                    .map(Integer::parseInt)
                    .orElse(0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}

package org.cxrplatform.ingest.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cxrplatform.contracts.EventHeaders;

/**
 * Publishes events and waits for the broker's acknowledgement: an idempotent producer with
 * {@code acks=all}, so a {@link #publish} that returns means the record is replicated, and one
 * that throws means the caller must report failure (the DICOM peer retries). The wait is bounded
 * by {@code delivery.timeout.ms}: the producer gives up on the record itself before we answer, so
 * a failed instance is never also delivered later behind our back.
 *
 * <p>Thread-safe; one producer for the whole service (Kafka batches concurrent associations).
 */
public final class EventPublisher implements AutoCloseable {

    public static final String SOURCE = "/cxr/ingest-service";

    private final KafkaProducer<String, byte[]> producer;
    private final Duration deliveryTimeout;
    private final MeterRegistry metrics;

    /**
     * @param bootstrapServers Kafka bootstrap servers
     * @param deliveryTimeout  upper bound on waiting for an acknowledgement (includes retries)
     * @param extra            further producer properties (TLS, SASL...), may be empty
     */
    public EventPublisher(String bootstrapServers, Duration deliveryTimeout, Map<String, String> extra,
                          MeterRegistry metrics) {
        this.deliveryTimeout = deliveryTimeout;
        this.metrics = metrics;
        Map<String, Object> p = new HashMap<>(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        int delivery = (int) deliveryTimeout.toMillis();
        int request = Math.max(1000, delivery / 2);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(delivery, 5000));
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-service");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Sends one event and waits for its acknowledgement.
     *
     * @param eventId     CloudEvents id (deterministic per instance, so re-deliveries can be recognised)
     * @param traceparent W3C traceparent of this instance's span
     * @return the acknowledged record's metadata
     * @throws PublishException when the broker did not acknowledge within the delivery timeout
     */
    public RecordMetadata publish(String topic, String key, byte[] value, String eventId, String ceType,
                                  String schema, String traceparent) throws PublishException {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        EventHeaders.write(record.headers(), eventId, SOURCE, ceType, key, schema, null);
        if (traceparent != null) {
            EventHeaders.set(record.headers(), EventHeaders.TRACEPARENT, traceparent);
        }
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "error";
        try {
            Future<RecordMetadata> ack = producer.send(record);
            // The producer's own delivery timeout fires first; the margin only covers clock slack.
            RecordMetadata md = ack.get(deliveryTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
            outcome = "ok";
            return md;
        } catch (ExecutionException e) {
            throw new PublishException("Kafka did not acknowledge (" + e.getCause().getClass().getSimpleName() + ": "
                    + e.getCause().getMessage() + ")", e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("no Kafka acknowledgement within " + deliveryTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for Kafka", e);
        } catch (RuntimeException e) {
            // send() itself: metadata unavailable within max.block.ms, record too large...
            throw new PublishException("Kafka send failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        } finally {
            sample.stop(metrics.timer("cxr.ingest.publish.latency", "topic", topic, "outcome", outcome));
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

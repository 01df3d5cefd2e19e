package org.cxrplatform.ingest.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.cxrplatform.contracts.Event;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.KafkaClientSettings;

/**
 * Publishes events and waits for the broker's acknowledgement: an idempotent producer with
 * {@code acks=all}, so a {@link #publish} that returns means the record is replicated, and one
 * that throws means the caller must report failure (the DICOM peer retries).
 *
 * <p>No second copy on retry: when the answer is due ({@code cxr.ingest.delivery-timeout}) but the
 * producer still holds the record (broker down), the attempt stays pending and the producer keeps
 * retrying it (its own delivery timeout is minutes). The peer's retry of the same instance carries
 * the same deterministic event id and waits for that attempt instead of sending again; the
 * idempotent producer makes its internal retries exactly-once. Only an attempt the producer itself
 * expires is ambiguous (a broker may have appended it before dying): such ids are remembered, and
 * on retry the partition is read from the attempt's timestamp so an event already there is not
 * written twice.
 *
 * <p>Thread-safe; one producer for the whole service (Kafka batches concurrent associations).
 */
public final class EventPublisher implements AutoCloseable {

    public static final String SOURCE = "/cxr/ingest-service";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EventPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final Duration deliveryTimeout;
    private final MeterRegistry metrics;
    private final Map<String, Object> checkerConfig;
    /** Events whose send failed after leaving for the broker: written or not, nobody knows yet. By event id. */
    private final Map<String, Uncertain> uncertain = new ConcurrentHashMap<>();

    private final Object checkerLock = new Object();
    private KafkaConsumer<byte[], byte[]> checker;

    /** Sends still in the producer's hands when their answer was due, by event id. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private record Uncertain(String topic, int partition, long timestamp) {}

    private record Pending(Future<RecordMetadata> ack, String topic, int partition, long timestamp) {}

    /** How long the producer itself retries a record (the answer to the peer comes much earlier). */
    static final Duration PRODUCER_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    /**
     * @param bootstrapServers Kafka bootstrap servers
     * @param deliveryTimeout  upper bound on waiting for an acknowledgement (includes retries)
     * @param extra            further producer properties (TLS, SASL...), may be empty
     */
    public EventPublisher(
            String bootstrapServers, Duration deliveryTimeout, Map<String, String> extra, MeterRegistry metrics) {
        this.deliveryTimeout = deliveryTimeout;
        this.metrics = metrics;
        // Tunable defaults < configured kafka.* settings (TLS, SASL...) < what the C-STORE guarantee needs.
        int answer = (int) deliveryTimeout.toMillis();
        Map<String, Object> p = KafkaClientSettings.merge(
                "producer",
                Map.of(
                        ProducerConfig.LINGER_MS_CONFIG,
                        2,
                        ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                        1000,
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        4 * 1024 * 1024,
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "ingest-service"),
                extra,
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        5,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        15_000,
                        // The producer keeps retrying well beyond the answer's deadline: a retried instance then waits
                        // for the same record instead of sending a second copy (see publish()).
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        (int) Math.max(PRODUCER_DELIVERY_TIMEOUT.toMillis(), 3L * answer),
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        Math.min(answer, 5000)));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> c = KafkaClientSettings.merge(
                "ack checker",
                Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-service-ack-checker"),
                extra,
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        5000,
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        5000));
        this.checkerConfig = c;
    }

    /**
     * Sends one event, under its own key, and waits for its acknowledgement.
     *
     * @param eventId     CloudEvents id (deterministic per instance, so re-deliveries can be recognised)
     * @param traceparent W3C traceparent of this instance's span
     * @return the acknowledged record's metadata
     * @throws PublishException when the broker did not acknowledge within the delivery timeout
     */
    public RecordMetadata publish(String topic, Event event, String eventId, String traceparent)
            throws PublishException {
        String key = event.key();
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "error";
        try {
            sweep();
            Pending inFlight = pending.get(eventId);
            if (inFlight != null) {
                // The same event is still in the producer from an earlier attempt: wait for that one.
                RecordMetadata md = await(eventId, inFlight);
                outcome = "earlier-attempt";
                return md;
            }
            int partition = partitionFor(topic, key);
            Uncertain earlier = uncertain.get(eventId);
            if (earlier != null) {
                // An earlier attempt expired in the producer: the broker may still have written it.
                RecordMetadata found = findWritten(earlier, eventId);
                uncertain.remove(eventId);
                LOG.infof(
                        "event %s: an earlier attempt expired in flight; %s",
                        eventId,
                        found == null
                                ? "not in " + topic + "-" + earlier.partition() + ", sending again"
                                : "already at " + found.topic() + "-" + found.partition() + "@" + found.offset());
                if (found != null) {
                    outcome = "already-written";
                    metrics.counter("cxr.ingest.publish.deduplicated", "topic", topic)
                            .increment();
                    return found;
                }
            }
            long timestamp = System.currentTimeMillis();
            ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>(topic, partition, timestamp, key, EventJson.write(event));
            EventHeaders.write(record.headers(), event, eventId, SOURCE, traceparent);
            Pending attempt = new Pending(producer.send(record), topic, partition, timestamp);
            pending.put(eventId, attempt);
            RecordMetadata md = await(eventId, attempt);
            outcome = "ok";
            return md;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for Kafka", e);
        } catch (KafkaException e) {
            // Before the record left: metadata unavailable within max.block.ms, record too large...
            throw new PublishException(
                    "Kafka send failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        } finally {
            sample.stop(metrics.timer("cxr.ingest.publish.latency", "topic", topic, "outcome", outcome));
        }
    }

    /**
     * Waits for an attempt up to the answer deadline. Done: forgotten (failed ones become
     * "uncertain"). Not done: stays pending, so the peer's retry waits for this same record.
     */
    private RecordMetadata await(String eventId, Pending attempt) throws PublishException, InterruptedException {
        try {
            RecordMetadata md = attempt.ack().get(deliveryTimeout.toMillis(), TimeUnit.MILLISECONDS);
            pending.remove(eventId, attempt);
            return md;
        } catch (TimeoutException e) {
            throw new PublishException(
                    "no Kafka acknowledgement within " + deliveryTimeout + " (the record stays queued in the producer)",
                    e);
        } catch (ExecutionException e) {
            pending.remove(eventId, attempt);
            uncertain.put(eventId, new Uncertain(attempt.topic(), attempt.partition(), attempt.timestamp()));
            throw new PublishException(
                    "Kafka did not acknowledge (" + e.getCause().getClass().getSimpleName() + ": "
                            + e.getCause().getMessage() + ")",
                    e.getCause());
        }
    }

    /** Forgets attempts that ended long ago (a retry after that is treated as new). */
    private void sweep() {
        if (pending.isEmpty()) {
            return;
        }
        long horizon = System.currentTimeMillis() - PRODUCER_DELIVERY_TIMEOUT.toMillis() * 5;
        pending.entrySet()
                .removeIf(e -> e.getValue().ack().isDone() && e.getValue().timestamp() < horizon);
    }

    /** Test seam: records an attempt as if it had timed out in flight. */
    void markUncertain(String eventId, String topic, String key, long timestamp) {
        uncertain.put(eventId, new Uncertain(topic, partitionFor(topic, key), timestamp));
    }

    /** The partition Kafka's default partitioner would pick for this key, fixed here so a retry can look there. */
    private int partitionFor(String topic, String key) {
        int partitions = producer.partitionsFor(topic).size();
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Looks for an event in the partition it was sent to, from the first record at or after the
     * attempt's timestamp: an expired in-flight batch may still have been appended before a broker
     * went down. Returns its metadata, or null when it is not there.
     *
     * @throws PublishException when the partition cannot be read (the question stays open)
     */
    private RecordMetadata findWritten(Uncertain u, String eventId) throws PublishException {
        TopicPartition tp = new TopicPartition(u.topic(), u.partition());
        synchronized (checkerLock) {
            try {
                if (checker == null) {
                    checker = new KafkaConsumer<>(
                            checkerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                }
                checker.assign(List.of(tp));
                OffsetAndTimestamp from =
                        checker.offsetsForTimes(Map.of(tp, u.timestamp())).get(tp);
                if (from == null) {
                    return null;
                }
                long end = checker.endOffsets(List.of(tp)).get(tp);
                checker.seek(tp, from.offset());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (checker.position(tp) < end && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : checker.poll(Duration.ofMillis(500))) {
                        if (EventHeaders.get(r.headers(), EventHeaders.ID)
                                .filter(eventId::equals)
                                .isPresent()) {
                            return new RecordMetadata(
                                    tp, r.offset(), 0, r.timestamp(), r.serializedKeySize(), r.serializedValueSize());
                        }
                    }
                }
                if (checker.position(tp) < end) {
                    throw new PublishException("could not read " + tp + " to check an earlier attempt", null);
                }
                return null;
            } catch (KafkaException e) {
                throw new PublishException(
                        "cannot check whether an earlier attempt was written (" + e.getMessage() + ")", e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (checkerLock) {
            if (checker != null) {
                checker.close(Duration.ofSeconds(2));
            }
        }
        producer.close(Duration.ofSeconds(5));
    }
}

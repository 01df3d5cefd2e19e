package org.cxrplatform.inference.pipeline;

import static org.cxrplatform.inference.pipeline.Offsets.partitionOf;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cxrplatform.contracts.KafkaClientSettings;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.inference.pipeline.PartitionLedger.State;
import org.jboss.logging.Logger;

/**
 * One lane's Kafka consumer (group {@code <groupId>-<lane>}, manual commits): fetches the lane's
 * studies, hands them out in fetch order, and commits each partition up to its first unfinished
 * study ({@link PartitionLedger}) with the {@link InFlightGuard}'s marker of the studies in the
 * model. A study finishing before an earlier one of its partition waits for it: the offset never
 * passes a study whose outputs are not acknowledged.
 *
 * <p>Loop thread only (the consumer and its rebalance callbacks run there).
 */
final class LaneConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LaneConsumer.class);

    /** A record fetched from the lane, not yet taken. */
    record Fetched(ConsumerRecord<String, byte[]> record, long fetchedNanos) {}

    final Lane lane;
    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final InFlightGuard guard;
    private final InferenceMetrics metrics;
    private final ArrayDeque<Fetched> fetched = new ArrayDeque<>();
    private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
    private final int maxFetched;
    private final Consumer<Lane> beforeCommit;
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet(); // read by health checks and tests
    private boolean paused;
    private boolean crashed;

    /**
     * @param slots    the engine's slots: how far ahead the lane fetches
     * @param leaving  told first when partitions are revoked or lost, so the studies of those partitions
     *                 still in the engine or awaiting acks are abandoned (their new owner runs them)
     */
    LaneConsumer(
            Lane lane,
            WorkerSettings settings,
            String clientId,
            int slots,
            String instanceId,
            InferenceMetrics metrics,
            BiConsumer<Lane, Collection<TopicPartition>> leaving,
            Consumer<Lane> beforeCommit) {
        this.lane = lane;
        this.topic = settings.topics().get(lane);
        this.metrics = metrics;
        this.maxFetched = Math.max(4 * slots, 16);
        this.beforeCommit = beforeCommit;
        this.consumer = new KafkaConsumer<>(
                consumerConfig(settings, lane, clientId, Math.max(2 * slots, 8)),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        this.guard = new InFlightGuard(lane, consumer, settings.maxAttempts(), instanceId, metrics);
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                leaving.accept(lane, partitions);
                if (!crashed) {
                    commitOnLeaving(partitions);
                }
                forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                LOG.infof("%s: %s assigned %s", clientId, lane, partitions);
                guard.onAssigned(partitions);
                assigned.addAll(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                leaving.accept(lane, partitions);
                forget(partitions);
            }
        });
    }

    /** A lane consumer's config: tunable defaults, then the configured client properties, then what delivery depends on. */
    static Map<String, Object> consumerConfig(WorkerSettings settings, Lane lane, String clientId, int maxPollRecords) {
        return KafkaClientSettings.merge(
                "consumer " + lane.name().toLowerCase(),
                Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()),
                settings.kafkaClient(),
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        settings.groupId() + "-" + lane.name().toLowerCase(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        // a new group starts at the oldest study: none is skipped
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class.getName(),
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        ByteArrayDeserializer.class.getName()));
    }

    /** Fetches the topic's metadata: throws when the broker cannot be used with the configured settings. */
    void checkReachable(Duration timeout) {
        consumer.partitionsFor(topic, timeout);
    }

    /** Fetches what the broker has (rebalance callbacks run in here); pauses fetching while enough is buffered. */
    void poll(Duration timeout) {
        long now = System.nanoTime();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            fetched.add(new Fetched(r, now));
        }
        boolean full = fetched.size() >= maxFetched;
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!full && paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
        long lag = fetched.size();
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        metrics.lag(lane, lag);
    }

    boolean hasFetched() {
        return !fetched.isEmpty();
    }

    /** The next record to take, or null. */
    Fetched peek() {
        return fetched.peek();
    }

    /** Takes the next record: its partition's offset will not pass it until it is {@link #done}. */
    Fetched take() {
        Fetched f = fetched.poll();
        ledgers.computeIfAbsent(partitionOf(f.record()), tp -> new PartitionLedger())
                .taken(f.record().offset());
        return f;
    }

    /** True when the in-flight guard wants the record in the model alone (recovering a partition whose owner died). */
    boolean mustRunAlone(ConsumerRecord<String, byte[]> r) {
        return guard.mustRunAlone(r);
    }

    /** How often the process died with this study alone in the model, when that reached max-attempts; else 0. */
    int deathsIfCondemned(ConsumerRecord<String, byte[]> r) {
        return guard.deathsIfCondemned(r);
    }

    /**
     * Marks studies as in the model and commits their partitions' markers, synchronously: the marker
     * must be in Kafka before the model can kill the process. Call before submitting them.
     *
     * @throws KafkaException when the marker cannot be written; the caller rewinds those partitions
     */
    void enterModel(List<ConsumerRecord<String, byte[]>> records) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            set(r, State.IN_MODEL);
            partitions.add(partitionOf(r));
        }
        long t0 = System.nanoTime();
        commit(partitions);
        metrics.inFlightMark(lane, System.nanoTime() - t0);
    }

    /** The study left the model (finished, failed or waiting to run again); its outputs may still be pending. */
    void leftModel(ConsumerRecord<String, byte[]> r) {
        set(r, State.TAKEN);
    }

    /** Every output of the study is acknowledged: the offset may pass it once the studies before it are done. */
    void done(ConsumerRecord<String, byte[]> r) {
        set(r, State.DONE);
    }

    private void set(ConsumerRecord<String, byte[]> r, State state) {
        PartitionLedger ledger = ledgers.get(partitionOf(r));
        if (ledger != null) {
            ledger.set(r.offset(), state);
        }
    }

    /** Commits every partition whose first unfinished study moved on (finished studies behind an unfinished one wait). */
    void commitProgress() {
        Set<TopicPartition> moved = new HashSet<>();
        ledgers.forEach((tp, l) -> {
            if (l.advanced()) {
                moved.add(tp);
            }
        });
        if (moved.isEmpty()) {
            return;
        }
        try {
            commit(moved);
        } catch (KafkaException e) {
            // The partitions moved to another replica, which re-runs these studies: same report ids, no loss.
            LOG.warnf("%s: commit of %s failed (%s); those studies will be re-delivered", lane, moved, e.getMessage());
        }
    }

    /** Commits each partition at its position with the marker of its studies in the model. */
    private void commit(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        boolean advances = false;
        for (TopicPartition tp : partitions) {
            PartitionLedger l = ledgers.get(tp);
            if (l != null && l.position() >= 0 && assigned.contains(tp)) {
                advances |= l.advanced();
                offsets.put(tp, new OffsetAndMetadata(l.position(), guard.metadata(tp, l.inModel())));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (advances) {
            beforeCommit.accept(lane);
        }
        consumer.commitSync(offsets);
        offsets.forEach((tp, om) -> {
            ledgers.get(tp).committed(om.offset());
            guard.committed(tp, om.offset());
        });
    }

    /**
     * Seeks a partition back to its first open study and forgets the open ones and what was fetched
     * after them: they all come again (same report ids).
     */
    void rewind(TopicPartition tp) {
        long target = -1;
        for (Fetched f : fetched) {
            if (partitionOf(f.record()).equals(tp)) {
                target = f.record().offset();
                break;
            }
        }
        fetched.removeIf(f -> partitionOf(f.record()).equals(tp));
        PartitionLedger l = ledgers.get(tp);
        if (l != null && l.first() >= 0) {
            target = l.first();
            l.clear();
        }
        if (target >= 0 && assigned.contains(tp)) {
            consumer.seek(tp, target);
        }
    }

    /** Revoked: the loop has abandoned the partitions' studies; commit what is done and clear the marker. */
    private void commitOnLeaving(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionLedger l = ledgers.get(tp);
            if (l != null && l.position() >= 0) {
                offsets.put(tp, new OffsetAndMetadata(l.position(), ""));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            LOG.warnf(
                    "%s: commit of %s on revocation failed (%s); their studies will be re-delivered",
                    lane, offsets, e.getMessage());
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        fetched.removeIf(f -> partitions.contains(partitionOf(f.record())));
        partitions.forEach(ledgers::remove);
        guard.onRevoked(partitions);
        assigned.removeAll(partitions);
    }

    /** Partitions of this lane assigned now; any thread. */
    Set<TopicPartition> assignedPartitions() {
        return Set.copyOf(assigned);
    }

    /**
     * The loop died: closing the consumer (which revokes its partitions) must commit nothing, so
     * the in-flight markers stay for the next owner, as after a real crash.
     */
    void crashed() {
        crashed = true;
    }

    @Override
    public void close() {
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warnf("closing the %s consumer: %s", lane, e.getMessage());
        }
    }
}

package org.cxrplatform.inference.pipeline;

import static org.cxrplatform.inference.pipeline.Offsets.partitionOf;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.cxrplatform.contracts.InFlightMarker;
import org.cxrplatform.contracts.Lane;
import org.jboss.logging.Logger;

/**
 * Keeps a study that kills the process inside the model (a native abort in libtorch, the kernel
 * OOM killer) from crash-looping every replica that takes its partition.
 *
 * <p>Before studies are submitted to the engine, their partitions are committed — at the first
 * unfinished study, so nothing is skipped — with {@link OffsetAndMetadata} metadata naming every
 * study of the partition in the model ({@link InFlightMarker}, its text form in {@code contracts}).
 * Later commits of the partition carry the studies in the model at that moment, and none once it has none, so a marker found on a newly
 * assigned partition means its previous owner died with those studies in the engine (or shortly
 * after they left it). The new owner then runs every study up to the last marked one alone
 * (isolating the culprit), each behind its own marker counting the deaths so far; a study that was
 * alone in the model when the process died {@code maxAttempts} times is dead-lettered without
 * running it again. The state lives in Kafka, so it follows the partition to whichever replica gets
 * it.
 *
 * <p>One per lane consumer; called only from the loop thread (rebalance callbacks included).
 */
final class InFlightGuard {

    private static final Logger LOG = Logger.getLogger(InFlightGuard.class);

    /** A partition being recovered: these offsets have each been in the model when the process died {@code deaths} times. */
    private record Suspects(NavigableSet<Long> offsets, int deaths) {}

    private final Lane lane;
    private final KafkaConsumer<String, byte[]> consumer;
    private final int maxAttempts;
    private final String instanceId;
    private final InferenceMetrics metrics;
    private final Map<TopicPartition, Suspects> suspects = new HashMap<>();

    InFlightGuard(
            Lane lane,
            KafkaConsumer<String, byte[]> consumer,
            int maxAttempts,
            String instanceId,
            InferenceMetrics metrics) {
        this.lane = lane;
        this.consumer = consumer;
        this.maxAttempts = maxAttempts;
        this.instanceId = instanceId;
        this.metrics = metrics;
    }

    /** Reads the committed metadata of newly assigned partitions (one round trip per assignment). */
    void onAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(Set.copyOf(partitions));
        } catch (KafkaException e) {
            // Without the markers a crashing study only costs another death, which the next owner counts.
            LOG.warnf(
                    "%s: could not read in-flight markers of %s (%s); not guarding them this time",
                    lane, partitions, e.getMessage());
            return;
        }
        committed.forEach((tp, om) -> {
            InFlightMarker m = om == null ? null : markerIn(om.metadata());
            if (m == null) {
                return;
            }
            int deaths = m.deaths() + 1;
            suspects.put(tp, new Suspects(m.offsets(), deaths));
            metrics.crashRecovery(lane);
            String next = m.offsets().size() == 1 && deaths >= maxAttempts
                    ? "dead-lettering it (max-attempts " + maxAttempts + ")"
                    : "running them one at a time; one that was alone in the model " + maxAttempts
                            + " times is dead-lettered";
            LOG.warnf(
                    "%s: %s was committed at %d with studies %s in the model (replica %s): the process died there "
                            + "(%d time(s) so far); %s",
                    lane, tp, om.offset(), m.offsets(), m.by(), deaths, next);
        });
    }

    void onRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(suspects::remove);
    }

    /** True when the record must run in a model call of its own: up to the last suspect of its partition. */
    boolean mustRunAlone(ConsumerRecord<String, byte[]> r) {
        Suspects s = suspects.get(partitionOf(r));
        return s != null && r.offset() <= s.offsets().last();
    }

    /** How often the process died with this study alone in the model when that reached {@code maxAttempts}, else 0. */
    int deathsIfCondemned(ConsumerRecord<String, byte[]> r) {
        Suspects s = suspects.get(partitionOf(r));
        if (s == null || s.offsets().size() != 1 || !s.offsets().contains(r.offset()) || s.deaths() < maxAttempts) {
            return 0;
        }
        return s.deaths();
    }

    /**
     * The metadata of a commit of {@code tp}: a marker naming the studies in the model, with the
     * deaths so far of a suspect that runs alone again; empty when none is in the model (a plain
     * commit, which clears the marker).
     */
    String metadata(TopicPartition tp, NavigableSet<Long> inModel) {
        return inModel.isEmpty() ? "" : new InFlightMarker(inModel, deathsSoFar(tp, inModel), instanceId).encode();
    }

    /** The marker in committed metadata; null when there is none or it cannot be read (then guarding it is skipped). */
    private static InFlightMarker markerIn(String metadata) {
        try {
            return InFlightMarker.read(metadata).orElse(null);
        } catch (IllegalArgumentException e) {
            LOG.warnf("ignoring %s", e.getMessage());
            return null;
        }
    }

    /** Deaths a marker carries: those of a suspect running alone again, 0 for anything else (a death in a batch blames nobody yet). */
    private int deathsSoFar(TopicPartition tp, NavigableSet<Long> inFlight) {
        Suspects s = suspects.get(tp);
        return s != null && inFlight.size() == 1 && s.offsets().contains(inFlight.first()) ? s.deaths() : 0;
    }

    /** After a commit at {@code position}: a partition whose suspects are all behind it is recovered. */
    void committed(TopicPartition tp, long position) {
        Suspects s = suspects.get(tp);
        if (s != null && position > s.offsets().last()) {
            suspects.remove(tp);
            LOG.infof("%s: %s recovered; back to normal batching", lane, tp);
        }
    }
}

package org.cxrplatform.inference.pipeline;

import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.inference.config.InferenceConfig;
import org.cxrplatform.llava.GenerationOptions;

/**
 * Validated settings of one {@link InferenceWorker}. Built from {@link InferenceConfig} in the
 * service, directly in tests (which also use their own topic names).
 *
 * @param bootstrapServers    Kafka
 * @param groupId             consumer group prefix; lane consumers join {@code <groupId>-<lane>}
 * @param lanes               lanes consumed by this worker
 * @param topics              study topic per lane
 * @param reportsTopic        where ReportEvents go
 * @param alertsTopic         where CriticalAlerts go
 * @param dlqTopic            where DeadLetters go
 * @param batch               batching policy per lane
 * @param routineShare        share of model calls given to routine while STAT also has work
 * @param maxAttempts         attempts before a failing study is dead-lettered
 * @param criticalFindings    findings that raise an alert
 * @param generation          generation options passed to the model
 * @param oomRecoveryBatches  successful batches before a halved batch size doubles again
 * @param kafkaClient         configured Kafka client properties ({@link org.cxrplatform.contracts.KafkaClientSettings}: TLS, SASL,
 *                            tuning) for every consumer and the producer; never the delivery-critical ones
 */
public record WorkerSettings(
        String bootstrapServers,
        String groupId,
        Set<Lane> lanes,
        Map<Lane, String> topics,
        String reportsTopic,
        String alertsTopic,
        String dlqTopic,
        Map<Lane, BatchPolicy> batch,
        double routineShare,
        int maxAttempts,
        Set<Finding> criticalFindings,
        GenerationOptions generation,
        int oomRecoveryBatches,
        Map<String, String> kafkaClient) {

    /** Up to {@code maxSize} studies per model call, waiting at most {@code maxWait} to fill it. */
    public record BatchPolicy(int maxSize, Duration maxWait) {
        public BatchPolicy {
            if (maxSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, was " + maxSize);
            }
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("max wait must not be negative, was " + maxWait);
            }
        }
    }

    public WorkerSettings {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("cxr.inference.lanes: at least one lane is needed");
        }
        if (routineShare < 0 || routineShare > 1) {
            throw new IllegalArgumentException("cxr.inference.routine-share must be within [0, 1], was " + routineShare);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("cxr.inference.max-attempts must be >= 1, was " + maxAttempts);
        }
        if (oomRecoveryBatches < 1) {
            throw new IllegalArgumentException("cxr.inference.oom-recovery-batches must be >= 1, was " + oomRecoveryBatches);
        }
        lanes = Set.copyOf(lanes);
        topics = Map.copyOf(topics);
        batch = Map.copyOf(batch);
        criticalFindings = Set.copyOf(criticalFindings);
        kafkaClient = Map.copyOf(kafkaClient);
    }

    /** Settings without extra Kafka client properties (plain-text broker, client defaults). */
    public WorkerSettings(String bootstrapServers, String groupId, Set<Lane> lanes, Map<Lane, String> topics, String reportsTopic,
                          String alertsTopic, String dlqTopic, Map<Lane, BatchPolicy> batch, double routineShare, int maxAttempts,
                          Set<Finding> criticalFindings, GenerationOptions generation, int oomRecoveryBatches) {
        this(bootstrapServers, groupId, lanes, topics, reportsTopic, alertsTopic, dlqTopic, batch, routineShare, maxAttempts,
                criticalFindings, generation, oomRecoveryBatches, Map.of());
    }

    /** The service's settings: platform topic names, values from configuration. */
    public static WorkerSettings from(InferenceConfig config, String bootstrapServers, GenerationOptions generation,
                                      Map<String, String> kafkaClient) {
        InferenceConfig c = config;
        Map<Lane, BatchPolicy> batch = new EnumMap<>(Lane.class);
        batch.put(Lane.STAT, policy("stat", c.stat().batchSize(), c.stat().maxWait()));
        batch.put(Lane.ROUTINE, policy("routine", c.routine().batchSize(), c.routine().maxWait()));
        return new WorkerSettings(bootstrapServers, c.groupId(), parseLanes(c.lanes()), defaultTopics(),
                Topics.REPORTS, Topics.ALERTS, Topics.DLQ, batch, c.routineShare(), c.maxAttempts(),
                parseFindings(c.criticalFindings()), generation, c.oomRecoveryBatches(), kafkaClient);
    }

    public static Map<Lane, String> defaultTopics() {
        return Map.of(Lane.STAT, Lane.STAT.topic(), Lane.ROUTINE, Lane.ROUTINE.topic());
    }

    public static Set<Lane> parseLanes(Iterable<String> values) {
        Set<Lane> lanes = EnumSet.noneOf(Lane.class);
        for (String v : values) {
            try {
                lanes.add(Lane.valueOf(v.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cxr.inference.lanes: unknown lane '" + v + "' (stat, routine)", e);
            }
        }
        return lanes;
    }

    public static Set<Finding> parseFindings(Iterable<String> values) {
        Set<Finding> findings = EnumSet.noneOf(Finding.class);
        for (String v : values) {
            if (v.isBlank()) {
                continue;
            }
            try {
                findings.add(Finding.valueOf(v.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cxr.inference.critical-findings: unknown finding '" + v + "'", e);
            }
        }
        return findings;
    }

    private static BatchPolicy policy(String lane, int size, Duration wait) {
        try {
            return new BatchPolicy(size, wait);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cxr.inference." + lane + ": " + e.getMessage(), e);
        }
    }

    public WorkerSettings withGroupId(String group) {
        return new WorkerSettings(bootstrapServers, group, lanes, topics, reportsTopic, alertsTopic, dlqTopic, batch,
                routineShare, maxAttempts, criticalFindings, generation, oomRecoveryBatches, kafkaClient);
    }

    public WorkerSettings withKafkaClient(Map<String, String> properties) {
        return new WorkerSettings(bootstrapServers, groupId, lanes, topics, reportsTopic, alertsTopic, dlqTopic, batch,
                routineShare, maxAttempts, criticalFindings, generation, oomRecoveryBatches, properties);
    }
}

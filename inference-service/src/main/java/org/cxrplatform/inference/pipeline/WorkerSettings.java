package org.cxrplatform.inference.pipeline;

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
 * service, directly in tests (which also use their own topic names). How many studies run
 * together is the engine's business (its slots, {@code cxr.engine.*}), not the worker's.
 *
 * @param bootstrapServers    Kafka
 * @param groupId             consumer group prefix; lane consumers join {@code <groupId>-<lane>}
 * @param lanes               lanes consumed by this worker
 * @param topics              study topic per lane
 * @param reportsTopic        where ReportEvents go
 * @param alertsTopic         where CriticalAlerts go
 * @param dlqTopic            where DeadLetters go
 * @param routineShare        share of engine admissions given to routine while STAT also has work waiting
 * @param maxAttempts         attempts before a failing study is dead-lettered
 * @param criticalFindings    findings that raise an alert
 * @param generation          generation options; each study samples with {@link GenerationOptions#forStudy} of its image
 * @param oomRecoveryStudies  studies completed after an out-of-memory step before the halved admission limit doubles
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
        double routineShare,
        int maxAttempts,
        Set<Finding> criticalFindings,
        GenerationOptions generation,
        int oomRecoveryStudies,
        Map<String, String> kafkaClient) {

    public WorkerSettings {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("cxr.inference.lanes: at least one lane is needed");
        }
        if (routineShare < 0 || routineShare > 1) {
            throw new IllegalArgumentException(
                    "cxr.inference.routine-share must be within [0, 1], was " + routineShare);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("cxr.inference.max-attempts must be >= 1, was " + maxAttempts);
        }
        if (oomRecoveryStudies < 1) {
            throw new IllegalArgumentException(
                    "cxr.inference.oom-recovery-studies must be >= 1, was " + oomRecoveryStudies);
        }
        lanes = Set.copyOf(lanes);
        topics = Map.copyOf(topics);
        criticalFindings = Set.copyOf(criticalFindings);
        kafkaClient = Map.copyOf(kafkaClient);
    }

    /** The service's settings: platform topic names, values from configuration. */
    public static WorkerSettings from(
            InferenceConfig c, String bootstrapServers, GenerationOptions generation, Map<String, String> kafkaClient) {
        return new WorkerSettings(
                bootstrapServers,
                c.groupId(),
                parseLanes(c.lanes()),
                defaultTopics(),
                Topics.REPORTS,
                Topics.ALERTS,
                Topics.DLQ,
                c.routineShare(),
                c.maxAttempts(),
                parseFindings(c.criticalFindings()),
                generation,
                c.oomRecoveryStudies(),
                kafkaClient);
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
                findings.add(Finding.valueOf(
                        v.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cxr.inference.critical-findings: unknown finding '" + v + "'", e);
            }
        }
        return findings;
    }
}

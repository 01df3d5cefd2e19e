package org.cxrplatform.inference.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.inference.KafkaTestSupport;
import org.cxrplatform.inference.KafkaTestSupport.TopicReader;
import org.cxrplatform.inference.TestStudies;
import org.cxrplatform.inference.TinyModel;
import org.cxrplatform.llava.GenerationOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Studies/min per lane and STAT latency (enqueue → report event acknowledged) while a routine
 * backlog drains, with the bundled tiny model on this machine and the service's default batching
 * (STAT 4 / 20 ms, routine 16 / 500 ms, routine share 0.2). Not part of the default run:
 * <pre>
 * mvn -B -o -pl inference-service verify -Dgroups=benchmark -Dtest.excludedGroups=none -Dtest=InferenceBenchmark \
 *     -Dbench.routine=10000 -Dbench.stat=100 -Dbench.statEveryMs=2000 -Dbench.maxNewTokens=0
 * </pre>
 * {@code bench.maxNewTokens=0} is the service default (the library's budget: 512 new tokens; the
 * tiny model's random weights rarely stop earlier).
 */
@Tag("benchmark")
class InferenceBenchmark {

    @Test
    void lanesThroughputAndStatLatencyUnderARoutineBacklog() throws Exception {
        int routineCount = Integer.getInteger("bench.routine", 2000);
        int statOnlyCount = Integer.getInteger("bench.stat", 100);
        long statEveryMs = Long.getLong("bench.statEveryMs", 2000);
        int maxNewTokens = Integer.getInteger("bench.maxNewTokens", 0);
        GenerationOptions options = new GenerationOptions(maxNewTokens, 0f, 1f, 0L);
        TinyModel.get();

        try (WorkerHarness h = new WorkerHarness(); KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer();
             TopicReader reports = new TopicReader(h.reports)) {
            WorkerSettings base = h.defaults();
            WorkerSettings settings = new WorkerSettings(base.bootstrapServers(), base.groupId(), base.lanes(), base.topics(),
                    base.reportsTopic(), base.alertsTopic(), base.dlqTopic(),
                    Map.of(Lane.STAT, new WorkerSettings.BatchPolicy(4, Duration.ofMillis(20)),
                            Lane.ROUTINE, new WorkerSettings.BatchPolicy(16, Duration.ofMillis(500))),
                    0.2, 3, base.criticalFindings(), options, 20);

            // 1. STAT lane alone.
            List<ProducerRecord<String, byte[]>> stat = new ArrayList<>();
            for (int i = 0; i < statOnlyCount; i++) {
                stat.add(TestStudies.record(h.stat, TestStudies.event(TestStudies.newUid(), Lane.STAT, i)));
            }
            KafkaTestSupport.send(producer, stat);
            WorkerHarness.Running w = h.start(settings);
            long t0 = System.nanoTime();
            reports.readUntil(rs -> rs.size() >= statOnlyCount, Duration.ofHours(1));
            double statPerMin = statOnlyCount / ((System.nanoTime() - t0) / 6e10);

            // 2. A routine backlog queued at once, with a STAT study every statEveryMs while it drains.
            List<ProducerRecord<String, byte[]>> routine = new ArrayList<>();
            for (int i = 0; i < routineCount; i++) {
                routine.add(TestStudies.record(h.routine, TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, 10_000 + i)));
            }
            KafkaTestSupport.send(producer, routine);
            long r0 = System.nanoTime();
            Map<String, Long> statSentAt = new HashMap<>();
            int expected = statOnlyCount + routineCount;
            long nextStat = System.currentTimeMillis();
            while (reports.readUntil(rs -> true, Duration.ZERO).size() < expected + statSentAt.size()) {
                if (System.currentTimeMillis() >= nextStat) {
                    StudyEvent e = TestStudies.event(TestStudies.newUid(), Lane.STAT, 500_000 + statSentAt.size());
                    statSentAt.put(e.studyInstanceUid(), System.currentTimeMillis());
                    KafkaTestSupport.send(producer, List.of(TestStudies.record(h.stat, e)));
                    nextStat += statEveryMs;
                }
                reports.readUntil(rs -> false, Duration.ofMillis(200));
            }
            double routineSeconds = (System.nanoTime() - r0) / 1e9;
            List<ConsumerRecord<String, byte[]>> all = reports.readUntil(rs -> true, Duration.ZERO);
            long[] latencies = all.stream().filter(r -> statSentAt.containsKey(r.key()))
                    .mapToLong(r -> r.timestamp() - statSentAt.get(r.key())).sorted().toArray();
            double routinePerMin = routineCount / (routineSeconds / 60);

            String table = String.format(Locale.ROOT, """
                    | measure | value |
                    |---|---|
                    | STAT lane alone, %d studies | %.0f studies/min |
                    | routine backlog of %d drained in | %.1f s = %.0f studies/min (incl. %d STAT interleaved) |
                    | STAT latency enqueue → report acked, %d STAT during the drain | p50 %d ms, p99 %d ms, max %d ms |
                    | OOM retries / DLQ | %.0f / %.0f |
                    | in-flight marker commit per model call (STAT / routine) | mean %.1f / %.1f ms, max %.0f / %.0f ms; model call mean %.0f / %.0f ms |
                    | generation | max new tokens %s, greedy; %d cores, load average at end %.1f |
                    """, statOnlyCount, statPerMin, routineCount, routineSeconds, routinePerMin, latencies.length,
                    latencies.length, pct(latencies, 50), pct(latencies, 99), latencies.length == 0 ? 0 : latencies[latencies.length - 1],
                    w.metrics().oomRetries(Lane.ROUTINE), w.metrics().deadLetteredCount(Lane.ROUTINE),
                    ms(w, "cxr.inference.inflight.mark", Lane.STAT, false), ms(w, "cxr.inference.inflight.mark", Lane.ROUTINE, false),
                    ms(w, "cxr.inference.inflight.mark", Lane.STAT, true), ms(w, "cxr.inference.inflight.mark", Lane.ROUTINE, true),
                    ms(w, "cxr.inference.model", Lane.STAT, false), ms(w, "cxr.inference.model", Lane.ROUTINE, false),
                    maxNewTokens == 0 ? "library default (512)" : Integer.toString(maxNewTokens),
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("BENCHMARK inference-service\n" + table);
            System.out.println("STAT latencies ms: " + Arrays.toString(latencies));
        }
    }

    /** A lane timer's mean (or max) in ms. */
    private static double ms(WorkerHarness.Running w, String timer, Lane lane, boolean max) {
        io.micrometer.core.instrument.Timer t = w.registry().get(timer).tag("lane", lane.name().toLowerCase(Locale.ROOT)).timer();
        return max ? t.max(java.util.concurrent.TimeUnit.MILLISECONDS) : t.mean(java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}

package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.inference.KafkaTestSupport;
import org.cxrplatform.inference.KafkaTestSupport.TopicReader;
import org.cxrplatform.inference.TestStudies;
import org.cxrplatform.inference.TinyModel;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.TokenListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * InferenceBenchmark's measurement on the static scheduler (commit 786e53a, before continuous
 * batching): copied into that checkout's tests by {@code old-scheduler.sh}, never compiled here.
 * Same workload, same timing points, the old service defaults (STAT batches of 4 / 20 ms, routine
 * 16 / 500 ms, routine share 0.2), greedy with the library's budget.
 */
@Tag("benchmark")
class OldSchedulerBenchmark {

    /** The real model; records when each study's first token comes, by the digest of its pixels. */
    static final class FirstTokenClock extends OverRealModel {
        final Map<String, Long> firstTokenMillis = new ConcurrentHashMap<>();

        FirstTokenClock() {
            super(TinyModel.get());
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> batch, GenerationOptions options, TokenListener listener) {
            String[] digests = batch.stream().map(r -> pixelDigest(r.image())).toArray(String[]::new);
            return real.generate(batch, options, (row, token, text) -> {
                firstTokenMillis.putIfAbsent(digests[row], System.currentTimeMillis());
                listener.onToken(row, token, text);
            });
        }

        @Override
        public void close() {
        }
    }

    static String pixelDigest(BufferedImage grey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8).putInt(grey.getWidth()).putInt(grey.getHeight()).array());
            byte[] row = new byte[grey.getWidth()];
            for (int y = 0; y < grey.getHeight(); y++) {
                grey.getRaster().getDataElements(0, y, grey.getWidth(), 1, row);
                sha.update(row);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void statTimeToFirstTokenAndToReportWithTheRoutineLaneSaturated() throws Exception {
        int routineCount = Integer.getInteger("bench.routine", 3000);
        int statCount = Integer.getInteger("bench.stat", 30);
        long statEveryMs = Long.getLong("bench.statEveryMs", 2000);
        int maxNewTokens = Integer.getInteger("bench.maxNewTokens", 0);
        int rounds = Integer.getInteger("bench.rounds", 3);
        GenerationOptions options = new GenerationOptions(maxNewTokens, 0f, 1f, 0L);
        TinyModel.get();

        try (WorkerHarness h = new WorkerHarness(); KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer();
             TopicReader reports = new TopicReader(h.reports)) {
            List<ProducerRecord<String, byte[]>> routine = new ArrayList<>();
            for (int i = 0; i < routineCount; i++) {
                routine.add(TestStudies.record(h.routine, TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, 10_000 + i)));
            }
            KafkaTestSupport.send(producer, routine);
            WorkerSettings base = h.defaults();
            WorkerSettings settings = new WorkerSettings(base.bootstrapServers(), base.groupId(), base.lanes(), base.topics(),
                    base.reportsTopic(), base.alertsTopic(), base.dlqTopic(),
                    Map.of(Lane.STAT, new WorkerSettings.BatchPolicy(4, Duration.ofMillis(20)),
                            Lane.ROUTINE, new WorkerSettings.BatchPolicy(16, Duration.ofMillis(500))),
                    0.2, 3, base.criticalFindings(), options, 20);
            FirstTokenClock clock = new FirstTokenClock();
            WorkerHarness.Running w = h.start(settings, clock, Findings.READER);
            reports.readUntil(rs -> !rs.isEmpty(), Duration.ofMinutes(10));

            List<String> rows = new ArrayList<>();
            long[][] p50s = new long[2][rounds];
            for (int round = 0; round < rounds; round++) {
                Map<String, Long> sentAt = new HashMap<>();
                Map<String, String> digestOf = new HashMap<>();
                long t0 = System.currentTimeMillis();
                int before = reports.readUntil(rs -> true, Duration.ZERO).size();
                for (int i = 0; i < statCount; i++) {
                    int width = 500_000 + round * statCount + i;
                    StudyEvent e = TestStudies.event(TestStudies.newUid(), Lane.STAT, width);
                    digestOf.put(e.studyInstanceUid(), pixelDigest(TestStudies.image(width)));
                    sentAt.put(e.studyInstanceUid(), System.currentTimeMillis());
                    KafkaTestSupport.send(producer, List.of(TestStudies.record(h.stat, e)));
                    reports.readUntil(rs -> false, Duration.ofMillis(statEveryMs));
                }
                List<ConsumerRecord<String, byte[]>> all = reports.readUntil(
                        rs -> rs.stream().filter(r -> sentAt.containsKey(r.key())).count() >= statCount, Duration.ofMinutes(30));
                double seconds = (System.currentTimeMillis() - t0) / 1000.0;
                List<ConsumerRecord<String, byte[]>> stat = all.stream().filter(r -> sentAt.containsKey(r.key())).toList();
                assertThat(stat).as("every STAT study reported once").hasSize(statCount);
                long routineDone = all.size() - before - statCount;
                assertThat(routineDone).as("the routine lane stayed busy").isPositive();
                assertThat(all.size() - (round + 1) * statCount).as("and was not drained").isLessThan(routineCount);
                long[] toReport = stat.stream().mapToLong(r -> r.timestamp() - sentAt.get(r.key())).sorted().toArray();
                long[] toFirstToken = stat.stream()
                        .mapToLong(r -> clock.firstTokenMillis.get(digestOf.get(r.key())) - sentAt.get(r.key())).sorted().toArray();
                p50s[0][round] = pct(toFirstToken, 50);
                p50s[1][round] = pct(toReport, 50);
                rows.add(String.format(Locale.ROOT, "| %d | %d / %d / %d | %d / %d / %d | %.0f |", round + 1, pct(toFirstToken, 50),
                        pct(toFirstToken, 90), max(toFirstToken), pct(toReport, 50), pct(toReport, 90), max(toReport),
                        routineDone / seconds * 60));
            }
            System.out.printf(Locale.ROOT, """
                    BENCHMARK inference-service STAT under a saturated routine lane (static scheduler: STAT 4 / 20 ms, routine 16 / 500 ms)
                    | round (%d STAT studies, one every %d ms) | send → first token ms, p50 / p90 / max | send → report ms, p50 / p90 / max | routine reports/min |
                    |---|---|---|---|
                    %s
                    spread of the round p50s: first token %s ms, report %s ms
                    generation: greedy, max new tokens %s; %d cores, load average at end %.1f
                    """, statCount, statEveryMs, String.join("\n", rows), spread(p50s[0]), spread(p50s[1]),
                    maxNewTokens == 0 ? "library default (512)" : Integer.toString(maxNewTokens),
                    Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            assertThat(w.worker().died()).isNull();
        }
    }

    /** "min-max" of per-round figures. */
    private static String spread(long[] perRound) {
        long[] sorted = perRound.clone();
        Arrays.sort(sorted);
        return sorted[0] + "-" + sorted[sorted.length - 1];
    }

    private static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static long max(long[] sorted) {
        return sorted[sorted.length - 1];
    }
}

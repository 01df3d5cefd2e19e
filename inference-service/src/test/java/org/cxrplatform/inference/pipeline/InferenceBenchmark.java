package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * STAT time to first token and to the full report while the routine lane is saturated, with the
 * bundled tiny model on this machine: a routine backlog far larger than the run drains, then
 * {@code bench.rounds} rounds of {@code bench.stat} STAT studies, one every {@code bench.statEveryMs};
 * each round prints its percentiles and the run the spread of the round medians. Time to first token = the test's send → the engine's
 * first token for that study (recorded by a wrapper around the real engine); to the full report =
 * send → the report record's timestamp (created when the worker publishes it). Same generation for
 * both lanes: greedy without the repetition guard and the library's budget (512 tokens) by default,
 * as the static scheduler ran, so the comparison is the schedulers'. Not part of the default run:
 * <pre>
 * mvn -B -o -pl inference-service verify -Dgroups=benchmark -Dtest.excludedGroups=none -Dtest=InferenceBenchmark \
 *     -Dbench.routine=3000 -Dbench.stat=10 -Dbench.rounds=3 -Dbench.statEveryMs=2000
 * </pre>
 * {@code bench/old-scheduler.sh} runs the same measurement on the static scheduler (commit 786e53a).
 */
@Tag("benchmark")
class InferenceBenchmark {

    /** The real engine; records when each study's first token comes, by the digest of its pixels. */
    static final class FirstTokenClock extends OverRealModel {
        final Map<String, Long> firstTokenMillis = new ConcurrentHashMap<>();

        FirstTokenClock(ReportModel real) {
            super(real);
        }

        @Override
        public RequestHandle submit(
                GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
            String digest = Study.pixelDigest(request.image());
            return real.submit(request, options, priority, new Forwarding(listener) {
                @Override
                public void onToken(RequestHandle r, int tokenId, String textPiece) {
                    firstTokenMillis.putIfAbsent(digest, System.currentTimeMillis());
                    listener.onToken(r, tokenId, textPiece);
                }
            });
        }
    }

    @Test
    void statTimeToFirstTokenAndToReportWithTheRoutineLaneSaturated() throws Exception {
        int routineCount = Integer.getInteger("bench.routine", 3000);
        int statCount = Integer.getInteger("bench.stat", 30);
        long statEveryMs = Long.getLong("bench.statEveryMs", 2000);
        int maxNewTokens = Integer.getInteger("bench.maxNewTokens", 0);
        int rounds = Integer.getInteger("bench.rounds", 3);
        GenerationOptions options = GenerationOptions.greedy().withMaxNewTokens(maxNewTokens);
        TinyModel.load().close();

        try (WorkerHarness h = new WorkerHarness();
                KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer();
                TopicReader reports = new TopicReader(h.reports)) {
            List<ProducerRecord<String, byte[]>> routine = new ArrayList<>();
            for (int i = 0; i < routineCount; i++) {
                routine.add(TestStudies.record(
                        h.routine, TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, 10_000 + i)));
            }
            KafkaTestSupport.send(producer, routine);
            FirstTokenClock[] clock = new FirstTokenClock[1];
            WorkerHarness.Running w =
                    h.start(h.settings(0.2, 3, options), m -> clock[0] = new FirstTokenClock(m), Findings.READER);
            reports.readUntil(rs -> !rs.isEmpty(), Duration.ofMinutes(10)); // the routine lane runs

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
                    digestOf.put(e.studyInstanceUid(), Study.pixelDigest(TestStudies.image(width)));
                    sentAt.put(e.studyInstanceUid(), System.currentTimeMillis());
                    KafkaTestSupport.send(producer, List.of(TestStudies.record(h.stat, e)));
                    reports.readUntil(rs -> false, Duration.ofMillis(statEveryMs));
                }
                List<ConsumerRecord<String, byte[]>> all = reports.readUntil(
                        rs -> rs.stream()
                                        .filter(r -> sentAt.containsKey(r.key()))
                                        .count()
                                >= statCount,
                        Duration.ofMinutes(30));
                double seconds = (System.currentTimeMillis() - t0) / 1000.0;
                List<ConsumerRecord<String, byte[]>> stat =
                        all.stream().filter(r -> sentAt.containsKey(r.key())).toList();
                assertThat(stat).as("every STAT study reported once").hasSize(statCount);
                long routineDone = all.size() - before - statCount;
                assertThat(routineDone).as("the routine lane stayed busy").isPositive();
                assertThat(all.size() - (round + 1) * statCount)
                        .as("and was not drained")
                        .isLessThan(routineCount);
                long[] toReport = stat.stream()
                        .mapToLong(r -> r.timestamp() - sentAt.get(r.key()))
                        .sorted()
                        .toArray();
                long[] toFirstToken = stat.stream()
                        .mapToLong(r -> clock[0].firstTokenMillis.get(digestOf.get(r.key())) - sentAt.get(r.key()))
                        .sorted()
                        .toArray();
                p50s[0][round] = pct(toFirstToken, 50);
                p50s[1][round] = pct(toReport, 50);
                rows.add(String.format(
                        Locale.ROOT,
                        "| %d | %d / %d / %d | %d / %d / %d | %.0f |",
                        round + 1,
                        pct(toFirstToken, 50),
                        pct(toFirstToken, 90),
                        max(toFirstToken),
                        pct(toReport, 50),
                        pct(toReport, 90),
                        max(toReport),
                        routineDone / seconds * 60));
            }
            io.micrometer.core.instrument.Timer mark = w.registry()
                    .get("cxr.inference.inflight.mark")
                    .tag("lane", "routine")
                    .timer();
            System.out.printf(
                    Locale.ROOT,
                    """
                    BENCHMARK inference-service STAT under a saturated routine lane (continuous batching, %d slots, 1 kept for STAT)
                    | round (%d STAT studies, one every %d ms) | send → first token ms, p50 / p90 / max | send → report ms, p50 / p90 / max | routine reports/min |
                    |---|---|---|---|
                    %s
                    spread of the round p50s: first token %s ms, report %s ms
                    in-flight marker commits (routine): %d, mean %.1f ms; generation: greedy, max new tokens %s; %d cores, load average at end %.1f
                    """,
                    w.model().slots(),
                    statCount,
                    statEveryMs,
                    String.join("\n", rows),
                    spread(p50s[0]),
                    spread(p50s[1]),
                    mark.count(),
                    mark.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                    maxNewTokens == 0 ? "library default (512)" : Integer.toString(maxNewTokens),
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
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

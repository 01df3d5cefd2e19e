package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntBiFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loop on the continuous-batching engine, against the real broker and the real tiny model:
 * STAT joins the running batch, offsets follow the first unfinished study of each partition, an
 * out-of-memory step halves admission and loses nothing, and the engine's metrics.
 */
class ContinuousBatchingKafkaTest {

    /** Greedy, no repetition guard: the tiny model writes each study's whole token budget (no early end on these images). */
    private static final GenerationOptions FULL_LENGTH = GenerationOptions.greedy();

    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void setUp() {
        producer = KafkaTestSupport.producer();
        TinyModel.load().close(); // native libraries loaded before the clocks start
    }

    @AfterAll
    static void tearDown() {
        producer.close();
    }

    /**
     * The real engine with every step at least {@code stepMs} long, a GPU-sized step, so how many
     * steps pass while the loop fetches and admits a study does not depend on this machine's load;
     * each study's token budget is chosen by the test. {@link #crashAtNextStep} kills the worker
     * there, as a native abort would.
     */
    static final class PacedSteps extends OverRealModel {
        final long stepMs;
        final ToIntBiFunction<GenerationRequest, Integer> budget;
        final AtomicLong steps = new AtomicLong();
        volatile boolean crashAtNextStep;

        PacedSteps(ReportModel real, long stepMs, ToIntBiFunction<GenerationRequest, Integer> budget) {
            super(real);
            this.stepMs = stepMs;
            this.budget = budget;
        }

        @Override
        public RequestHandle submit(
                GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
            return real.submit(
                    request, options.withMaxNewTokens(budget.applyAsInt(request, priority)), priority, listener);
        }

        @Override
        public boolean step() {
            if (crashAtNextStep) {
                throw new InferenceWorker.SimulatedCrash("simulated native abort in an engine step");
            }
            long until = System.nanoTime() + stepMs * 1_000_000;
            boolean more = real.step();
            steps.incrementAndGet();
            WorkerHarness.sleep(Math.max(0, (until - System.nanoTime()) / 1_000_000));
            return more;
        }
    }

    private static List<ProducerRecord<String, byte[]>> routine(String topic, int n, long seedBase) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestStudies.record(topic, TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, seedBase + i)));
        }
        return out;
    }

    private static ReportEvent report(ConsumerRecord<String, byte[]> r) {
        return EventJson.read(r.value(), ReportEvent.class);
    }

    /**
     * STAT preemption at the inference stage, with bounds from the design rather than from a run: the
     * engine has 16 slots and 8 routine studies occupy 8 of them, so the loop admits the STAT study at
     * its next step, into the running batch (asserted: batch size 9, and it started before every routine
     * study completed). Each step serves every study in the engine; the STAT study needs at most 16 new
     * tokens after its prefill step, each routine study 200, and STAT is sent at step 10 or later: it ends
     * at most 17 steps after its admission, the routine studies at step 200, so the STAT report is
     * published before every routine report as long as the loop admits it within ~170 steps (6.8 s of
     * 40 ms steps; the loop polls the lanes every step). Paced steps keep this independent of the
     * machine's speed.
     */
    @Test
    void aStatStudyJoinsTheRunningRoutineBatchAndFinishesBeforeItsLongerStudies_pacedStepsLongRoutineShortStatReports()
            throws Exception {
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports)) {
            PacedSteps[] model = new PacedSteps[1];
            WorkerHarness.Running w = h.start(
                    h.settings(0.2, 3, FULL_LENGTH),
                    m -> model[0] = new PacedSteps(m, 40, (request, priority) -> priority == 0 ? 16 : 200),
                    Findings.READER);
            WorkerHarness.awaitAssigned(w.worker(), 6);
            KafkaTestSupport.send(producer, routine(h.routine, 8, 1001));
            // the routine batch is decoding: the old scheduler would hold STAT until all 200 of its steps are done
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> model[0].steps.get() >= 10);
            StudyEvent stat = TestStudies.event(TestStudies.newUid(), Lane.STAT, 7);
            KafkaTestSupport.send(producer, List.of(TestStudies.record(h.stat, stat)));

            List<ConsumerRecord<String, byte[]>> all = reports.readUntil(rs -> rs.size() >= 9, Duration.ofSeconds(180));
            assertThat(all).hasSize(9);
            ConsumerRecord<String, byte[]> statRecord = all.stream()
                    .filter(r -> r.key().equals(stat.studyInstanceUid()))
                    .findFirst()
                    .orElseThrow();
            List<ConsumerRecord<String, byte[]>> routineRecords =
                    all.stream().filter(r -> r != statRecord).toList();
            ReportEvent statReport = report(statRecord);
            assertThat(statReport.lane()).isEqualTo(Lane.STAT);
            assertThat(statReport.timings().batchSize())
                    .as("joined the 8 routine studies in the engine")
                    .isEqualTo(9);
            assertThat(statReport.timings().generatedTokens()).isBetween(1, 16);
            for (ConsumerRecord<String, byte[]> r : routineRecords) {
                ReportEvent e = report(r);
                assertThat(e.timings().generatedTokens()).isEqualTo(200);
                assertThat(statReport.timings().startedAt())
                        .as("STAT entered while this routine study decoded")
                        .isBefore(e.timings().completedAt());
                assertThat(statRecord.timestamp())
                        .as("STAT report before the routine reports of its batch")
                        .isLessThan(r.timestamp());
            }

            // the engine's metrics tell the same story
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> gauge(w, "cxr.inference.engine.running") == 0);
            assertThat(gauge(w, "cxr.inference.engine.slots")).isEqualTo(16);
            assertThat(w.registry()
                            .get("cxr.inference.admitted")
                            .tag("lane", "stat")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(w.registry()
                            .get("cxr.inference.admitted")
                            .tag("lane", "routine")
                            .counter()
                            .count())
                    .isEqualTo(8);
            assertThat(w.registry()
                            .find("cxr.inference.finished")
                            .tag("lane", "stat")
                            .counters())
                    .extracting(io.micrometer.core.instrument.Counter::count)
                    .containsExactly(1.0);
            assertThat(w.registry()
                            .get("cxr.inference.finished")
                            .tags("lane", "routine", "reason", "max_new_tokens")
                            .counter()
                            .count())
                    .isEqualTo(8);
            assertThat(w.registry()
                            .get("cxr.inference.admission.wait")
                            .tag("lane", "stat")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(w.registry()
                            .get("cxr.inference.first.token")
                            .tag("lane", "stat")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(w.registry()
                            .get("cxr.inference.batch.size")
                            .tag("lane", "stat")
                            .summary()
                            .max())
                    .isEqualTo(9);
        }
    }

    private static double gauge(WorkerHarness.Running w, String name) {
        return w.registry().get(name).gauge().value();
    }

    @Test
    void
            aStudyFinishingBeforeAnEarlierOneOfItsPartitionIsNotCommittedPastIt_crashRestartRedeliversBoth_pacedStepsScriptedLengths()
                    throws Exception {
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports)) {
            WorkerSettings settings = h.settings(0.2, 3, FULL_LENGTH);
            // the 82-pixel-wide study writes 8 tokens, the others 300
            ToIntBiFunction<GenerationRequest, Integer> lengths =
                    (request, priority) -> request.image().getWidth() == 82 ? 8 : 300;
            PacedSteps[] first = new PacedSteps[1];
            WorkerHarness.Running w1 =
                    h.start(settings, m -> first[0] = new PacedSteps(m, 40, lengths), Findings.READER);
            WorkerHarness.awaitAssigned(w1.worker(), 6);
            StudyEvent longer = TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, 1003);
            StudyEvent shorter = TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, TestStudies.image(1004, 82));
            List<ProducerRecord<String, byte[]>> sent = new ArrayList<>(
                    List.of(TestStudies.record(h.routine, longer), TestStudies.record(h.routine, shorter)));
            sent.replaceAll(r -> new ProducerRecord<>(
                    r.topic(), 0, r.key(), r.value(), r.headers())); // one partition, in this order
            KafkaTestSupport.send(producer, sent);

            List<ConsumerRecord<String, byte[]>> early = reports.readUntil(rs -> !rs.isEmpty(), Duration.ofSeconds(60));
            assertThat(early).extracting(ConsumerRecord::key).containsExactly(shorter.studyInstanceUid());
            TopicPartition p0 = new TopicPartition(h.routine, 0);
            OffsetAndMetadata committed = committed(h.group + "-routine", p0);
            assertThat(committed.offset())
                    .as("the offset waits at the unfinished earlier study")
                    .isEqualTo(0);
            assertThat(committed.metadata())
                    .as("which the in-flight marker names")
                    .contains("offsets=0");
            first[0].crashAtNextStep = true;
            w1.thread().join(30_000);
            assertThat(w1.worker().died()).isInstanceOf(InferenceWorker.SimulatedCrash.class);
            assertThat(reports.drain(Duration.ofMillis(500)))
                    .as("the longer study never finished")
                    .hasSize(1);

            WorkerHarness.Running w2 = h.start(settings, m -> new PacedSteps(m, 0, lengths), Findings.READER);
            List<ConsumerRecord<String, byte[]>> all = reports.readUntil(rs -> rs.size() >= 3, Duration.ofSeconds(120));
            Map<String, List<String>> idsPerStudy = all.stream()
                    .collect(Collectors.groupingBy(
                            ConsumerRecord::key,
                            Collectors.mapping(r -> report(r).reportId(), Collectors.toList())));
            assertThat(idsPerStudy.get(shorter.studyInstanceUid()))
                    .as("re-delivered and re-run: the offset had not passed it")
                    .hasSize(2)
                    .containsOnly(idsPerStudy.get(shorter.studyInstanceUid()).get(0));
            assertThat(idsPerStudy.get(longer.studyInstanceUid())).hasSize(1);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> committed(h.group + "-routine", p0).offset() == 2);
            assertThat(w2.worker().died()).isNull();
        }
    }

    private static OffsetAndMetadata committed(String group, TopicPartition tp) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaTestSupport.bootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            OffsetAndMetadata om = c.committed(Set.of(tp)).get(tp);
            return om == null ? new OffsetAndMetadata(-1) : om;
        }
    }

    /**
     * Every engine step with more than {@code fits} studies in the engine fails them all with one
     * CUDA out-of-memory error, as a GPU whose memory budget was overestimated would: this CPU has no
     * GPU to exhaust.
     */
    static final class SimulatedGpuMemory extends OverRealModel {
        final int fits;
        final Set<RequestHandle> live = ConcurrentHashMap.newKeySet();
        private RuntimeException oom;

        SimulatedGpuMemory(ReportModel real, int fits) {
            super(real);
            this.fits = fits;
        }

        @Override
        public RequestHandle submit(
                GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
            RequestHandle handle = real.submit(request, options, priority, new Forwarding(listener) {
                @Override
                public void onToken(RequestHandle r, int tokenId, String textPiece) {
                    if (oom != null) {
                        throw oom;
                    }
                    listener.onToken(r, tokenId, textPiece);
                }
            });
            live.add(handle);
            return handle;
        }

        @Override
        public boolean step() {
            live.removeIf(RequestHandle::isDone);
            oom = live.size() > fits
                    ? new RuntimeException(
                            "ai.djl.engine.EngineException: CUDA out of memory. Tried to allocate 2.00 GiB")
                    : null;
            try {
                return real.step();
            } finally {
                oom = null;
            }
        }
    }

    @Test
    void anOutOfMemoryStepHalvesAdmissionAndEveryStudyIsReportedOnce_simulatedGpuOom() throws Exception {
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports);
                TopicReader dlq = new TopicReader(h.dlq)) {
            WorkerHarness.Running w = h.start(h.defaults(), m -> new SimulatedGpuMemory(m, 4), Findings.READER);
            WorkerHarness.awaitAssigned(w.worker(), 6);
            List<ProducerRecord<String, byte[]>> sent = routine(h.routine, 12, 2000);
            KafkaTestSupport.send(producer, sent);

            reports.readUntil(rs -> rs.size() >= 12, Duration.ofSeconds(180));
            List<ConsumerRecord<String, byte[]>> all = reports.drain(Duration.ofSeconds(1));
            assertThat(all.stream().map(ConsumerRecord::key).collect(Collectors.toSet()))
                    .isEqualTo(sent.stream().map(ProducerRecord::key).collect(Collectors.toSet()));
            assertThat(all).as("each study reported once").hasSize(12);
            assertThat(all)
                    .as("each report ran in steps that fitted")
                    .allMatch(r -> report(r).timings().batchSize() <= 4);
            assertThat(dlq.drain(Duration.ofMillis(200)))
                    .as("an out-of-memory step blames no study")
                    .isEmpty();
            assertThat(w.metrics().oomRetries(Lane.ROUTINE)).isPositive();
            assertThat(w.registry()
                            .get("cxr.inference.requeued")
                            .tag("lane", "routine")
                            .counter()
                            .count())
                    .isZero();
        }
    }
}

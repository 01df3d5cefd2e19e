package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.Stage;
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

/** The in-flight guard against the real broker and the real tiny model: a study that kills the worker, restarted like a crash-looping pod. */
class CrashLoopKafkaTest {

    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void setUp() {
        producer = KafkaTestSupport.producer();
        TinyModel.load().close(); // native libraries loaded before the first replica starts
    }

    @AfterAll
    static void tearDown() {
        producer.close();
    }

    /**
     * Kills the worker at any engine step taken while a study with an 81-pixel-wide image is in the
     * engine, the way a native abort in libtorch would: an Error the worker does not catch, so nothing
     * after it (publish, commit) runs and the worker's consumers close without committing.
     */
    static final class AbortsOnMarkedImage extends OverRealModel {
        final AtomicInteger aborts;
        private final List<RequestHandle> marked = new ArrayList<>();

        AbortsOnMarkedImage(ReportModel real, AtomicInteger aborts) {
            super(real);
            this.aborts = aborts;
        }

        @Override
        public RequestHandle submit(
                GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
            RequestHandle handle = real.submit(request, options, priority, listener);
            if (request.image().getWidth() == 81) {
                marked.add(handle);
            }
            return handle;
        }

        @Override
        public boolean step() {
            marked.removeIf(RequestHandle::isDone);
            if (!marked.isEmpty()) {
                aborts.incrementAndGet();
                throw new InferenceWorker.SimulatedCrash("simulated native abort in the model");
            }
            return real.step();
        }
    }

    private static List<ProducerRecord<String, byte[]>> studies(String topic, int n, long seedBase) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestStudies.record(topic, TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, seedBase + i)));
        }
        return out;
    }

    private static Map<String, Long> reportsPerStudy(List<ConsumerRecord<String, byte[]>> reports) {
        return reports.stream()
                .map(r -> EventJson.read(r.value(), ReportEvent.class).studyInstanceUid())
                .collect(Collectors.groupingBy(uid -> uid, Collectors.counting()));
    }

    @Test
    void
            studyThatKillsTheWorkerIsDeadLetteredAfterMaxAttemptsRestartsAndItsBatchNeighboursReportOnce_simulatedNativeAbort()
                    throws Exception {
        int maxAttempts = 3;
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports);
                TopicReader dlq = new TopicReader(h.dlq)) {
            WorkerSettings settings = h.settings(maxAttempts);
            AtomicInteger aborts = new AtomicInteger();
            BufferedImage marked = new BufferedImage(81, 64, BufferedImage.TYPE_BYTE_GRAY);
            StudyEvent killer = TestStudies.eventWithPng(
                    TestStudies.newUid(), Lane.ROUTINE, Base64.getEncoder().encodeToString(TestStudies.png(marked)));
            List<ProducerRecord<String, byte[]>> batch = new ArrayList<>(studies(h.routine, 7, 5000));
            batch.add(3, TestStudies.record(h.routine, killer));
            // one partition, so the killer enters the engine with its 7 neighbours and the guard has to isolate it
            batch.replaceAll(r -> new ProducerRecord<>(r.topic(), 0, r.key(), r.value(), r.headers()));
            Set<String> neighbours = batch.stream()
                    .map(ProducerRecord::key)
                    .filter(k -> !k.equals(killer.studyInstanceUid()))
                    .collect(Collectors.toSet());
            KafkaTestSupport.send(producer, batch);

            // a crash-looping pod: start a replica, and when it dies start the next one
            int crashes = 0;
            WorkerHarness.Running w;
            while (true) {
                w = h.start(settings, m -> new AbortsOnMarkedImage(m, aborts), Findings.READER);
                Thread thread = w.thread();
                dlq.readUntil(rs -> !rs.isEmpty() || !thread.isAlive(), Duration.ofSeconds(120));
                if (thread.isAlive()) {
                    break;
                }
                assertThat(w.worker().died()).isInstanceOf(InferenceWorker.SimulatedCrash.class);
                crashes++;
                assertThat(crashes).as("the guard stops the crash loop").isLessThanOrEqualTo(maxAttempts);
            }
            assertThat(crashes).as("replicas killed by the study").isEqualTo(maxAttempts);
            assertThat(aborts.get()).isEqualTo(maxAttempts);

            List<ConsumerRecord<String, byte[]>> letters = dlq.drain(Duration.ofSeconds(1));
            assertThat(letters).hasSize(1);
            DeadLetter letter = EventJson.read(letters.get(0).value(), DeadLetter.class);
            assertThat(letter.stage()).isEqualTo(Stage.INFERENCE);
            assertThat(letter.studyInstanceUid()).isEqualTo(killer.studyInstanceUid());
            assertThat(letter.reason())
                    .contains("the inference process died 3 times while this study was in the model");
            assertThat(letter.attempts()).isEqualTo(maxAttempts);
            assertThat(letter.originalTopic()).isEqualTo(h.routine);
            assertThat(Base64.getDecoder().decode(letter.originalPayload())).isEqualTo(EventJson.write(killer));
            assertThat(w.registry()
                            .get("cxr.inference.crash.dead.lettered")
                            .tag("lane", "routine")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(w.registry()
                            .get("cxr.dlq")
                            .tag("lane", "routine")
                            .counter()
                            .count())
                    .isEqualTo(1);

            reports.readUntil(rs -> reportsPerStudy(rs).keySet().containsAll(neighbours), Duration.ofSeconds(60));
            Map<String, Long> perStudy = reportsPerStudy(reports.drain(Duration.ofSeconds(2)));
            assertThat(perStudy.keySet()).as("only the killer has no report").isEqualTo(neighbours);
            assertThat(perStudy.values())
                    .as("each neighbour reported exactly once")
                    .allMatch(n -> n == 1);
            assertThat(w.registry()
                            .get("cxr.inference.crash.recoveries")
                            .tag("lane", "routine")
                            .counter()
                            .count())
                    .as("the last replica found the previous one's marker")
                    .isEqualTo(1);

            // the lane keeps flowing, studies sharing the engine again
            List<ProducerRecord<String, byte[]>> more = studies(h.routine, 32, 6000);
            KafkaTestSupport.send(producer, more);
            Set<String> moreUids = more.stream().map(ProducerRecord::key).collect(Collectors.toSet());
            Map<String, Long> after = reportsPerStudy(reports.readUntil(
                    rs -> reportsPerStudy(rs).keySet().containsAll(moreUids), Duration.ofSeconds(120)));
            assertThat(after.keySet()).containsAll(moreUids);
            assertThat(w.worker().died()).isNull();
            assertThat(w.registry()
                            .get("cxr.inference.batch.size")
                            .tag("lane", "routine")
                            .summary()
                            .max())
                    .as("back to sharing the engine after the recovery")
                    .isGreaterThan(1);

            Timer mark = w.registry()
                    .get("cxr.inference.inflight.mark")
                    .tag("lane", "routine")
                    .timer();
            double admitted = w.registry()
                    .get("cxr.inference.admitted")
                    .tag("lane", "routine")
                    .counter()
                    .count();
            assertThat((double) mark.count())
                    .as("at most one marker commit per admission")
                    .isBetween(1.0, admitted);
            Timer inEngine = w.registry()
                    .get("cxr.inference.model")
                    .tag("lane", "routine")
                    .timer();
            System.out.printf(
                    "BENCHMARK in-flight marker: %d commits for %.0f admissions, mean %.2f ms, max %.2f ms per commit "
                            + "(a study's time in the engine: mean %.2f ms with the tiny model)%n",
                    mark.count(),
                    admitted,
                    mark.mean(TimeUnit.MILLISECONDS),
                    mark.max(TimeUnit.MILLISECONDS),
                    inEngine.mean(TimeUnit.MILLISECONDS));
        }
    }
}

package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventHeaders;
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
import org.cxrplatform.llava.engine.Completion;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker against the real broker and the real tiny model. */
class WorkerKafkaTest {

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

    private static List<ProducerRecord<String, byte[]>> studies(String topic, Lane lane, int n, long seedBase) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestStudies.record(topic, TestStudies.event(TestStudies.newUid(), lane, seedBase + i)));
        }
        return out;
    }

    private static ReportEvent report(ConsumerRecord<String, byte[]> r) {
        return EventJson.read(r.value(), ReportEvent.class);
    }

    private static Set<String> studyUids(List<ConsumerRecord<String, byte[]>> reports) {
        return reports.stream()
                .map(WorkerKafkaTest::report)
                .map(ReportEvent::studyInstanceUid)
                .collect(Collectors.toSet());
    }

    @Test
    void crashBetweenPublishAndCommitRedeliversWithTheSameReportIds() throws Exception {
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports)) {
            WorkerSettings settings = h.defaults();
            WorkerHarness.Running first = h.start(settings);
            AtomicBoolean crashed = new AtomicBoolean();
            first.worker().beforeCommit(lane -> {
                if (crashed.compareAndSet(false, true)) {
                    throw new InferenceWorker.SimulatedCrash("killed after publishing, before committing");
                }
            });
            WorkerHarness.awaitAssigned(first.worker(), 6);
            List<ProducerRecord<String, byte[]>> sent = studies(h.routine, Lane.ROUTINE, 10, 2000);
            KafkaTestSupport.send(producer, sent);
            first.thread().join(60_000);
            assertThat(first.worker().died()).isInstanceOf(InferenceWorker.SimulatedCrash.class);
            List<ConsumerRecord<String, byte[]>> beforeRestart = reports.drain(Duration.ofSeconds(1));
            assertThat(beforeRestart)
                    .as("the crashed batch's reports were published")
                    .isNotEmpty();

            WorkerHarness.Running second = h.start(settings);
            Set<String> expected = sent.stream().map(ProducerRecord::key).collect(Collectors.toSet());
            List<ConsumerRecord<String, byte[]>> all = reports.readUntil(
                    rs -> rs.size() >= beforeRestart.size() + 10
                            && studyUids(rs).containsAll(expected),
                    Duration.ofSeconds(60));
            assertThat(studyUids(all)).containsAll(expected);

            Map<String, Set<String>> idsPerStudy = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : all) {
                ReportEvent e = report(r);
                idsPerStudy
                        .computeIfAbsent(e.studyInstanceUid(), k -> new HashSet<>())
                        .add(e.reportId());
                assertThat(EventHeaders.get(r.headers(), EventHeaders.ID)).contains(e.reportId());
            }
            assertThat(idsPerStudy.values())
                    .as("a re-delivered study keeps its report id")
                    .allMatch(ids -> ids.size() == 1);
            Set<String> redone = beforeRestart.stream()
                    .map(WorkerKafkaTest::report)
                    .map(ReportEvent::studyInstanceUid)
                    .collect(Collectors.toSet());
            long again = all.stream()
                    .skip(beforeRestart.size())
                    .map(WorkerKafkaTest::report)
                    .filter(e -> redone.contains(e.studyInstanceUid()))
                    .count();
            assertThat(again).as("the uncommitted batch ran again").isEqualTo(redone.size());
            assertThat(second.worker().died()).isNull();
        }
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicAndTheLaneKeepsFlowing() throws Exception {
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports);
                TopicReader dlq = new TopicReader(h.dlq)) {
            WorkerHarness.Running w = h.start(h.defaults());
            byte[] badJson = "{\"studyInstanceUid\": \"1.2.3\", oops".getBytes(StandardCharsets.UTF_8);
            StudyEvent badPng = TestStudies.eventWithPng(
                    TestStudies.newUid(),
                    Lane.ROUTINE,
                    Base64.getEncoder().encodeToString("this is not a PNG at all".getBytes(StandardCharsets.UTF_8)));
            StudyEvent good = TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, 42);
            KafkaTestSupport.send(
                    producer,
                    List.of(
                            TestStudies.raw(h.routine, "bad-json", badJson),
                            TestStudies.record(h.routine, badPng),
                            TestStudies.record(h.routine, good)));

            List<ConsumerRecord<String, byte[]>> letters = dlq.readUntil(rs -> rs.size() >= 2, Duration.ofSeconds(60));
            assertThat(reports.readUntil(rs -> !rs.isEmpty(), Duration.ofSeconds(60)))
                    .extracting(ConsumerRecord::key)
                    .containsExactly(good.studyInstanceUid());
            Map<String, DeadLetter> byKey = letters.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, r -> EventJson.read(r.value(), DeadLetter.class)));
            DeadLetter json = byKey.get("bad-json");
            assertThat(json.stage()).isEqualTo(Stage.INFERENCE);
            assertThat(json.reason()).contains("not a valid StudyEvent");
            assertThat(json.attempts()).isEqualTo(1);
            assertThat(json.originalTopic()).isEqualTo(h.routine);
            assertThat(Base64.getDecoder().decode(json.originalPayload())).isEqualTo(badJson);
            DeadLetter png = byKey.get(badPng.studyInstanceUid());
            assertThat(png.reason()).contains("undecodable image");
            assertThat(png.studyInstanceUid()).isEqualTo(badPng.studyInstanceUid());
            assertThat(w.metrics().deadLetteredCount(Lane.ROUTINE)).isEqualTo(2);
            assertThat(w.registry()
                            .get("cxr.dlq")
                            .tag("lane", "routine")
                            .counter()
                            .count())
                    .isEqualTo(2);
            assertThat(w.worker().died()).isNull();
        }
    }

    /**
     * Fails every study with an 81-pixel-wide image at its first token, as a model error would (the
     * tiny model never fails on its own); the engine fails that study only and runs the others on.
     */
    static final class FailsOnMarkedImage extends OverRealModel {

        FailsOnMarkedImage(ReportModel real) {
            super(real);
        }

        @Override
        public RequestHandle submit(
                GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
            if (request.image().getWidth() != 81) {
                return real.submit(request, options, priority, listener);
            }
            return real.submit(request, options, priority, new Forwarding(listener) {
                @Override
                public void onToken(RequestHandle r, int tokenId, String textPiece) {
                    throw new IllegalStateException("simulated model failure on a marked image");
                }
            });
        }
    }

    @Test
    void modelErrorIsRetriedThenDeadLettered_simulatedModelFailure() throws Exception {
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports);
                TopicReader dlq = new TopicReader(h.dlq)) {
            WorkerHarness.Running w = h.start(h.defaults(), FailsOnMarkedImage::new, Findings.READER);
            java.awt.image.BufferedImage marked =
                    new java.awt.image.BufferedImage(81, 64, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            StudyEvent bad = TestStudies.eventWithPng(
                    TestStudies.newUid(), Lane.ROUTINE, Base64.getEncoder().encodeToString(TestStudies.png(marked)));
            List<ProducerRecord<String, byte[]>> batch = new ArrayList<>(studies(h.routine, Lane.ROUTINE, 5, 3000));
            batch.add(2, TestStudies.record(h.routine, bad));
            KafkaTestSupport.send(producer, batch);

            List<ConsumerRecord<String, byte[]>> letters = dlq.readUntil(rs -> !rs.isEmpty(), Duration.ofSeconds(60));
            assertThat(letters).hasSize(1);
            DeadLetter letter = EventJson.read(letters.get(0).value(), DeadLetter.class);
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.reason()).contains("simulated model failure");
            assertThat(letter.studyInstanceUid()).isEqualTo(bad.studyInstanceUid());
            assertThat(studyUids(reports.readUntil(rs -> rs.size() >= 5, Duration.ofSeconds(30))))
                    .as("the failing study's batch neighbours still get reports")
                    .hasSize(5)
                    .doesNotContain(bad.studyInstanceUid());
            assertThat(w.registry()
                            .get("cxr.inference.requeued")
                            .tag("lane", "routine")
                            .counter()
                            .count())
                    .isEqualTo(2);
        }
    }

    @Test
    void twoReplicasInOneGroupShareThePartitionsWithoutDoubleProcessing() throws Exception {
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports)) {
            WorkerHarness.Running a = h.start(h.defaults());
            WorkerHarness.awaitAssigned(a.worker(), 6);
            WorkerHarness.Running b = h.start(h.defaults());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((a.worker().assignedPartitions().isEmpty()
                            || b.worker().assignedPartitions().isEmpty()
                            || a.worker().assignedPartitions().size()
                                            + b.worker().assignedPartitions().size()
                                    != 6)
                    && System.nanoTime() < deadline) {
                WorkerHarness.sleep(50);
            }
            assertThat(a.worker().assignedPartitions())
                    .doesNotContainAnyElementsOf(b.worker().assignedPartitions());
            assertThat(b.worker().assignedPartitions()).isNotEmpty();

            List<ProducerRecord<String, byte[]>> sent = studies(h.routine, Lane.ROUTINE, 60, 4000);
            KafkaTestSupport.send(producer, sent);
            reports.readUntil(rs -> rs.size() >= 60, Duration.ofSeconds(90));
            List<ConsumerRecord<String, byte[]>> all = reports.drain(Duration.ofSeconds(2));
            assertThat(all).hasSize(60);
            assertThat(studyUids(all)).hasSize(60);
            double byA = a.registry()
                    .get("cxr.reports.published")
                    .tag("lane", "routine")
                    .counter()
                    .count();
            double byB = b.registry()
                    .get("cxr.reports.published")
                    .tag("lane", "routine")
                    .counter()
                    .count();
            assertThat(byA).isPositive();
            assertThat(byB).isPositive();
            assertThat(byA + byB).isEqualTo(60);
        }
    }

    /**
     * The real tiny model runs, but its streamed and final text is replaced by a scripted report:
     * the tiny model's random weights write noise, never "pneumothorax".
     */
    static final class ScriptedTextOverRealModel extends OverRealModel {
        static final String SCRIPT = "There is a large left pneumothorax. Heart size is normal. No pleural effusion.";
        volatile java.time.Instant lastCompleted;

        ScriptedTextOverRealModel(ReportModel real) {
            super(real);
        }

        @Override
        public RequestHandle submit(
                GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
            int[] sent = new int[1];
            return real.submit(request, options, priority, new Forwarding(listener) {
                @Override
                public void onToken(RequestHandle r, int tokenId, String textPiece) {
                    int end = Math.min(SCRIPT.length(), sent[0] + 3);
                    listener.onToken(r, tokenId, SCRIPT.substring(sent[0], end));
                    sent[0] = end;
                }

                @Override
                public void onComplete(RequestHandle r, Completion c) {
                    lastCompleted = java.time.Instant.now();
                    listener.onComplete(
                            r,
                            new Completion(
                                    c.requestId(),
                                    c.prompt(),
                                    c.inputIds(),
                                    c.generatedIds(),
                                    SCRIPT,
                                    c.stopReason(),
                                    c.imageTokens(),
                                    c.admittedAtStep(),
                                    c.finishedAtStep(),
                                    c.queuedMs(),
                                    c.visionMs(),
                                    c.prefillMs(),
                                    c.decodeMs()));
                }
            });
        }
    }

    @Test
    void criticalFindingAlertIsRaisedWhileStreamingBeforeTheReport_scriptedTextBecauseTinyModelWritesNoise()
            throws Exception {
        try (WorkerHarness h = new WorkerHarness();
                TopicReader reports = new TopicReader(h.reports);
                TopicReader alerts = new TopicReader(h.alerts)) {
            ScriptedTextOverRealModel[] model = new ScriptedTextOverRealModel[1];
            // greedy without the guard: the tiny model writes all 32 tokens, enough to stream the whole script
            h.start(
                    h.settings(0.2, 3, GenerationOptions.greedy().withMaxNewTokens(32)),
                    m -> model[0] = new ScriptedTextOverRealModel(m),
                    Findings.READER);
            StudyEvent study = TestStudies.event(TestStudies.newUid(), Lane.STAT, 77);
            KafkaTestSupport.send(producer, List.of(TestStudies.record(h.stat, study)));

            ConsumerRecord<String, byte[]> reportRecord = reports.readUntil(rs -> !rs.isEmpty(), Duration.ofSeconds(60))
                    .get(0);
            // the alert is on Kafka before the report, but this reader may not have fetched it yet on a loaded machine
            alerts.readUntil(rs -> !rs.isEmpty(), Duration.ofSeconds(30));
            List<ConsumerRecord<String, byte[]>> raised = alerts.drain(Duration.ofSeconds(2));
            assertThat(raised).as("one alert, not one per token").hasSize(1);
            ReportEvent report = report(reportRecord);
            org.cxrplatform.contracts.CriticalAlert alert =
                    EventJson.read(raised.get(0).value(), org.cxrplatform.contracts.CriticalAlert.class);
            assertThat(alert.alertId())
                    .isEqualTo(org.cxrplatform.contracts.CriticalAlert.alertIdOf(
                            report.reportId(), org.cxrplatform.contracts.findings.Finding.PNEUMOTHORAX));
            assertThat(alert.reportId()).isEqualTo(report.reportId());
            assertThat(alert.state()).isEqualTo(org.cxrplatform.contracts.findings.FindingState.PRESENT);
            assertThat(alert.excerpt()).containsIgnoringCase("large left pneumothorax");
            assertThat(alert.lane()).isEqualTo(Lane.STAT);
            assertThat(alert.raisedAt())
                    .as("raised while tokens were streaming")
                    .isBefore(model[0].lastCompleted);
            assertThat(raised.get(0).timestamp()).isLessThanOrEqualTo(reportRecord.timestamp());
            assertThat(report.triagePriority()).isEqualTo(1);
            assertThat(report.findings())
                    .containsEntry(
                            org.cxrplatform.contracts.findings.Finding.PNEUMOTHORAX,
                            org.cxrplatform.contracts.findings.FindingState.PRESENT)
                    .containsEntry(
                            org.cxrplatform.contracts.findings.Finding.PLEURAL_EFFUSION,
                            org.cxrplatform.contracts.findings.FindingState.ABSENT);
        }
    }
}

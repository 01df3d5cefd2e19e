package org.cxrplatform.ingest.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.support.CrashInputs;
import org.cxrplatform.ingest.support.Echo;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.ManagedProcess;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 of the packaged service while it decodes an instance (held there by stopping its decoder worker with
 * SIGSTOP, so the kill lands mid-decode every time; the router was answered success when the instance was spooled,
 * the default {@code acknowledge=SPOOL}, and with {@code max-backlog=1} the next instance was held for a place in the
 * backlog for {@code backlog-wait=1s}, then refused with 0xA700, meanwhile), then a normal restart: the spool recovery takes it up, once; with {@code restart-retries=1} the
 * instance is processed again and queued once, or, when it is the JPEG 2000 input that crashes GDCM, the retry kills
 * the new service's worker too (a second death for the same instance) and it is dead-lettered
 * {@code decoder-crashed}; with {@code restart-retries=0} it is quarantined and dead-lettered ({@code service-died})
 * instead, and the router sending it again gets a success and a second {@code service-died} dead letter without the
 * instance being processed. Either way the restart is normal and the worker of the killed service exits on its own.
 * A kill mid-study (the crash campaign's case, run with {@code acknowledge=KAFKA}: there the router's association
 * waits for the decode and the router re-sends the study) counts one death once, for the instance being decoded only.
 */
@Tag("packaged")
class PoisonReplayPackagedTest {

    @TempDir
    Path tmp;

    private final ExecutorService routers = Executors.newCachedThreadPool();

    @AfterEach
    void stopRouters() {
        routers.shutdownNow();
    }

    enum Scenario {
        RETRIED(1, false),
        CRASHES_AGAIN_ON_RETRY(1, true),
        QUARANTINED_THEN_SENT_AGAIN(0, false);

        final int retries;
        final boolean crashInput;

        Scenario(int retries, boolean crashInput) {
            this.retries = retries;
            this.crashInput = crashInput;
        }
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void killNineMidDecodeThenARestartRetriesOrQuarantines(Scenario scenario) throws Exception {
        int retries = scenario.retries;
        List<SampleStudies.Sample> samples = SampleStudies.write(tmp.resolve("samples"), 1400 + scenario.ordinal());
        SampleStudies.Sample sample = samples.get(0);
        SampleStudies.Sample refused = samples.get(2); // another patient's frontal chest
        Path jls = scenario.crashInput
                ? CrashInputs.jpeg2000WithColumnsOne(sample.file(), tmp.resolve("crash.dcm"))
                : SampleTranscoder.transcode(sample.file(), SampleTranscoder.Syntax.JPEG_LS, tmp.resolve("jls"));
        String proposal = scenario.crashInput ? "-xv" : "-xt";
        Path data = tmp.resolve("data");
        Path attempts = data.resolve("spool/attempts");
        int port = FreePorts.next();
        try (ServiceProcess service = oneWorker(
                        data, port, retries, Map.of("cxr.ingest.max-backlog", "1", "cxr.ingest.backlog-wait", "1s"));
                EventCollector events = new EventCollector()) {
            ProcessHandle worker = PackagedIngest.startWithStoppedWorker(service);
            Dcmtk.Result store =
                    Dcmtk.storescu(PackagedIngest.ROUTER, PackagedIngest.AE, port, List.of(proposal), List.of(jls));
            assertThat(store.successes())
                    .as("answered once in the spool, before the decode (acknowledge=SPOOL, the default): "
                            + store.output())
                    .isEqualTo(1);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> PackagedIngest.files(attempts) == 1); // decoding has begun, in the held worker
            Dcmtk.Result full =
                    Dcmtk.storescu(PackagedIngest.ROUTER, PackagedIngest.AE, port, List.of(), List.of(refused.file()));
            assertThat(full.successes()).as(full.output()).isZero();
            assertThat(full.responses())
                    .as("max-backlog=1: held, then refused while the first is unpublished: " + full.output())
                    .singleElement()
                    .satisfies(r -> assertThat(r).contains("OutOfResources"));
            assertThat(service.metric("cxr_ingest_backlog_wait_seconds_count", "outcome=\"backlog-full\""))
                    .as("refused past the backlog-wait, not at once")
                    .isEqualTo(1.0);
            assertThat(outcomes(events, sample.studyInstanceUid()))
                    .as("nothing published yet")
                    .isEmpty();
            PackagedIngest.killNineAndReleaseWorker(service, worker);

            service.start();
            service.awaitReady(PackagedIngest.startTimeout());
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> outcomes(events, sample.studyInstanceUid()).size() == 1);
            Thread.sleep(3000); // a second record would come from the same recovery pass
            List<String> outcomes = outcomes(events, sample.studyInstanceUid());
            switch (scenario) {
                case RETRIED -> {
                    assertThat(outcomes).containsExactly("accepted");
                    assertThat(service.grep("service-died")).isEmpty();
                }
                case CRASHES_AGAIN_ON_RETRY -> {
                    assertThat(outcomes).hasSize(1);
                    assertThat(outcomes.get(0)).startsWith("decoder-crashed: decoder worker pid");
                    assertThat(service.metric("cxr_ingest_decoder_restarts_total", "cause=\"crashed\""))
                            .isEqualTo(1.0);
                }
                case QUARANTINED_THEN_SENT_AGAIN -> {
                    assertThat(outcomes).hasSize(1);
                    assertThat(outcomes.get(0))
                            .startsWith("service-died: the service died 1 times while processing this instance");
                    assertThat(PackagedIngest.files(data.resolve("spool/quarantine")))
                            .isEqualTo(1);
                    // The router sends it again (its own retry, or a person's): recognised, not decoded again.
                    double decodes = service.metric("cxr_ingest_decode_time_seconds_count");
                    assertThat(Dcmtk.storescu(
                                            PackagedIngest.ROUTER,
                                            PackagedIngest.AE,
                                            port,
                                            List.of(proposal),
                                            List.of(jls))
                                    .successes())
                            .isEqualTo(1);
                    await().atMost(Duration.ofSeconds(30))
                            .until(() ->
                                    outcomes(events, sample.studyInstanceUid()).size() == 2);
                    assertThat(outcomes(events, sample.studyInstanceUid()).get(1))
                            .startsWith("service-died: sent again after it was quarantined");
                    // NaN (no decode timer yet) on both sides is equal here
                    assertThat(Double.compare(service.metric("cxr_ingest_decode_time_seconds_count"), decodes))
                            .as("not decoded")
                            .isZero();
                    assertThat(PackagedIngest.files(data.resolve("spool/quarantine")))
                            .isEqualTo(2);
                }
            }
            assertThat(outcomes(events, refused.studyInstanceUid()))
                    .as("the refused instance left nothing")
                    .isEmpty();
            assertThat(PackagedIngest.files(attempts))
                    .as("attempt counters cleared")
                    .isZero();
            assertThat(PackagedIngest.files(data.resolve("spool/incoming")))
                    .as("spool empty")
                    .isZero();
            assertThat(service.ready()).isTrue();
            assertThat(service.starts()).isEqualTo(2);
        }
    }

    /**
     * The crash campaign's case (a router's study in flight when ingest is killed) made deterministic. Before the kill:
     * the router's study association waits with its frontal chest in the (stopped) decoder worker, the router has sent
     * that instance again on a second association (a second copy in a decode slot), and another instance waits for a
     * decode slot. After the kill exactly one death is on record, once, for the instance being decoded. After the
     * restart (worker stopped again before it is ready) the spool recovery's copy waits for the worker while the router
     * re-sends the study: the copies share that count, nothing is quarantined, every instance is queued.
     */
    @Test
    void aDeathMidStudyCountsOnceAndOnlyForTheInstanceBeingDecoded() throws Exception {
        List<SampleStudies.Sample> samples = SampleStudies.write(tmp.resolve("samples"), 1410);
        SampleStudies.Sample frontal = samples.get(0);
        SampleStudies.Sample other = samples.get(2); // another patient's frontal chest
        // JPEG-LS: the frontal chests need the decoder worker
        Path jls = tmp.resolve("jls");
        Path frontalFile = SampleTranscoder.transcode(frontal.file(), SampleTranscoder.Syntax.JPEG_LS, jls);
        Path lateralFile = SampleTranscoder.transcode(samples.get(1).file(), SampleTranscoder.Syntax.JPEG_LS, jls);
        Path otherFile = SampleTranscoder.transcode(other.file(), SampleTranscoder.Syntax.JPEG_LS, jls);
        List<Path> study = List.of(frontalFile, lateralFile);
        Path data = tmp.resolve("data");
        Path attempts = data.resolve("spool/attempts");
        Path incoming = data.resolve("spool/incoming");
        int port = FreePorts.next();
        try (ServiceProcess service = oneWorker(data, port, 1, Map.of("cxr.ingest.acknowledge", "KAFKA"));
                EventCollector events = new EventCollector()) {
            ProcessHandle worker = PackagedIngest.startWithStoppedWorker(service);
            CompletableFuture<Dcmtk.Result> studyAssociation = send(port, study);
            await().atMost(Duration.ofMinutes(1)).until(() -> PackagedIngest.files(attempts) == 1);
            CompletableFuture<Dcmtk.Result> sentAgain = send(port, List.of(frontalFile));
            await().atMost(Duration.ofMinutes(1)).until(() -> PackagedIngest.instances(incoming) == 2);
            CompletableFuture<Dcmtk.Result> queued = send(port, List.of(otherFile));
            await().atMost(Duration.ofMinutes(1)).until(() -> PackagedIngest.instances(incoming) == 3);
            Thread.sleep(2000); // both later copies parsed and waiting: for the worker, for a decode slot
            PackagedIngest.killNineAndReleaseWorker(service, worker);
            for (CompletableFuture<Dcmtk.Result> store : List.of(studyAssociation, sentAgain, queued)) {
                assertThat(store.get().successes())
                        .as("no answer from a killed service")
                        .isZero();
            }
            assertThat(counts(attempts))
                    .as("one death, counted once, for the instance that was being decoded only")
                    .containsExactly("1");

            ProcessHandle restartedWorker = PackagedIngest.startAndStopWorkerBeforeReady(service);
            await().atMost(PackagedIngest.startTimeout())
                    .until(() -> Echo.verify(PackagedIngest.ROUTER, PackagedIngest.AE, port, Duration.ofSeconds(10))
                            .ok());
            // The router's retry of the broken study, while the spool recovery's copy waits for the worker.
            CompletableFuture<Dcmtk.Result> retry = send(port, study);
            await().atMost(Duration.ofMinutes(1)).until(() -> PackagedIngest.instances(incoming) == 4);
            Thread.sleep(1000); // the router's copy parsed and waiting for the worker too
            assertThat(counts(attempts))
                    .as("the restarted run records its possible death once for both copies being decoded")
                    .containsExactly("2");
            ManagedProcess.signal("CONT", restartedWorker.pid());
            assertThat(retry.get().successes())
                    .as("the router's retry: both instances")
                    .isEqualTo(2);
            service.awaitReady(PackagedIngest.startTimeout());
            await().atMost(Duration.ofMinutes(2)).until(() -> PackagedIngest.instances(incoming) == 0);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> byStudy(events, frontal, other).size() == 2); // the consumer has joined and read
            Thread.sleep(2000); // records of the last settled instances
            Map<String, List<ConsumerRecord<String, byte[]>>> byStudy = byStudy(events, frontal, other);
            assertThat(byStudy.values().stream().flatMap(List::stream).map(PoisonReplayPackagedTest::outcome))
                    .as("nothing dead-lettered")
                    .containsOnly("accepted");
            // Three copies of the frontal chest were received (two before the kill, the router's retry): each queued
            // as the same event (one deterministic id), which consumers take once.
            assertThat(eventIds(byStudy.get(frontal.studyInstanceUid()))).hasSize(1);
            assertThat(eventIds(byStudy.get(other.studyInstanceUid()))).hasSize(1);
            assertThat(service.grep("service-died")).isEmpty();
            assertThat(PackagedIngest.files(attempts))
                    .as("attempt counters cleared")
                    .isZero();
            assertThat(service.ready()).isTrue();
            assertThat(service.starts()).isEqualTo(2);
        }
    }

    private static Map<String, List<ConsumerRecord<String, byte[]>>> byStudy(
            EventCollector events, SampleStudies.Sample... studies) {
        List<String> uids = java.util.Arrays.stream(studies)
                .map(SampleStudies.Sample::studyInstanceUid)
                .toList();
        return events.poll().stream()
                .filter(r -> uids.contains(r.key()))
                .collect(java.util.stream.Collectors.groupingBy(ConsumerRecord::key));
    }

    /**
     * One decoder worker (the test holds it with SIGSTOP), no time limit that could end the hold, even at its start;
     * {@code extra} keys on top.
     */
    private static ServiceProcess oneWorker(Path data, int port, int retries, Map<String, String> extra)
            throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "cxr.ingest.restart-retries",
                String.valueOf(retries),
                "cxr.ingest.decoders.workers",
                "1",
                "cxr.ingest.decoders.timeout",
                "10m",
                "cxr.ingest.decoders.start-timeout",
                "10m"));
        settings.putAll(extra);
        return PackagedIngest.service(data, port, settings);
    }

    /** storescu on its own thread: the common pool may have a single thread, and these associations overlap. */
    private CompletableFuture<Dcmtk.Result> send(int port, List<Path> files) {
        return CompletableFuture.supplyAsync(
                () -> Dcmtk.storescu(PackagedIngest.ROUTER, PackagedIngest.AE, port, List.of("-xt"), files), routers);
    }

    /** The counts in the attempt counter files. */
    private static List<String> counts(Path attempts) throws Exception {
        try (var files = Files.list(attempts)) {
            return files.filter(f -> !f.getFileName().toString().endsWith(".tmp"))
                    .map(f -> {
                        try {
                            return Files.readString(f).trim();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    private static java.util.Set<String> eventIds(List<ConsumerRecord<String, byte[]>> records) {
        assertThat(records).as("queued").isNotEmpty();
        return records.stream()
                .map(r -> EventJson.read(r.value(), StudyEvent.class).eventId())
                .collect(java.util.stream.Collectors.toSet());
    }

    private static List<String> outcomes(EventCollector events, String study) {
        return events.poll().stream()
                .filter(r -> study.equals(r.key()))
                .map(PoisonReplayPackagedTest::outcome)
                .toList();
    }

    private static String outcome(ConsumerRecord<String, byte[]> r) {
        return r.topic().equals(Topics.DLQ)
                ? EventJson.read(r.value(), DeadLetter.class).reason()
                : "accepted";
    }
}

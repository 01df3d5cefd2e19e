package org.cxrplatform.ingest.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.support.CrashInputs;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 of the packaged service while it decodes an instance (held there by stopping its decoder worker with
 * SIGSTOP, so the kill lands mid-decode every time), then a normal restart: with {@code restart-retries=1} the
 * instance is processed again and queued once, or, when it is the JPEG 2000 input that crashes GDCM, the retry kills
 * the new service's worker too (a second death for the same instance) and it is dead-lettered
 * {@code decoder-crashed}; with {@code restart-retries=0} it is quarantined and dead-lettered ({@code service-died})
 * instead, and the router sending it again gets a success and a second {@code service-died} dead letter without the
 * instance being processed. Either way the restart is normal and the worker of the killed service exits on its own.
 */
@Tag("packaged")
class PoisonReplayPackagedTest {

    @TempDir
    Path tmp;

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
        SampleStudies.Sample sample = SampleStudies.write(tmp.resolve("samples"), 1400 + scenario.ordinal())
                .get(0);
        Path jls = scenario.crashInput
                ? CrashInputs.jpeg2000WithColumnsOne(sample.file(), tmp.resolve("crash.dcm"))
                : SampleTranscoder.transcode(sample.file(), SampleTranscoder.Syntax.JPEG_LS, tmp.resolve("jls"));
        String proposal = scenario.crashInput ? "-xv" : "-xt";
        Path data = tmp.resolve("data");
        Path attempts = data.resolve("spool/attempts");
        int port = FreePorts.next();
        try (ServiceProcess service = PackagedIngest.service(
                        data,
                        port,
                        Map.of(
                                "cxr.ingest.restart-retries",
                                String.valueOf(retries),
                                "cxr.ingest.decoders.workers",
                                "1",
                                "cxr.ingest.decoders.timeout",
                                "10m"));
                EventCollector events = new EventCollector()) {
            ProcessHandle worker = PackagedIngest.startWithStoppedWorker(service);
            CompletableFuture<Dcmtk.Result> store = CompletableFuture.supplyAsync(() ->
                    Dcmtk.storescu(PackagedIngest.ROUTER, PackagedIngest.AE, port, List.of(proposal), List.of(jls)));
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> PackagedIngest.files(attempts) == 1); // decoding has begun
            PackagedIngest.killNineAndReleaseWorker(service, worker);
            assertThat(store.get().successes())
                    .as("no answer from a killed service")
                    .isZero();

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

package org.cxrplatform.ingest.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of the packaged service while it decodes an instance (held there by stopping its decoder worker with
 * SIGSTOP, so the kill lands mid-decode every time), then a normal restart: with {@code restart-retries=1} the
 * instance is processed again and queued once; with {@code restart-retries=0} it is quarantined and dead-lettered
 * ({@code service-died}) instead. Either way the restart is normal and the worker of the killed service exits on
 * its own.
 */
@Tag("packaged")
class PoisonReplayPackagedTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {1, 0})
    void killNineMidDecodeThenARestartRetriesOrQuarantines(int retries) throws Exception {
        SampleStudies.Sample sample =
                SampleStudies.write(tmp.resolve("samples"), 1400 + retries).get(0);
        Path jls = SampleTranscoder.transcode(sample.file(), SampleTranscoder.Syntax.JPEG_LS, tmp.resolve("jls"));
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
            service.start();
            service.awaitReady(PackagedIngest.startTimeout());
            await().atMost(PackagedIngest.startTimeout())
                    .until(() -> PackagedIngest.workers(service).size() == 1);
            ProcessHandle worker = PackagedIngest.workers(service).get(0);
            PackagedIngest.signal("STOP", worker.pid());
            CompletableFuture<Dcmtk.Result> store = CompletableFuture.supplyAsync(
                    () -> Dcmtk.storescu(PackagedIngest.ROUTER, PackagedIngest.AE, port, List.of("-xt"), List.of(jls)));
            await().atMost(Duration.ofMinutes(1)).until(() -> count(attempts) == 1); // decoding has begun
            service.kill9();
            assertThat(store.get().successes())
                    .as("no answer from a killed service")
                    .isZero();
            PackagedIngest.signal("CONT", worker.pid());
            await("the orphaned worker exits by itself")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !worker.isAlive());

            service.start();
            service.awaitReady(PackagedIngest.startTimeout());
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> outcomes(events, sample.studyInstanceUid()).size() == 1);
            Thread.sleep(3000); // a second record would come from the same recovery pass
            List<String> outcomes = outcomes(events, sample.studyInstanceUid());
            if (retries == 1) {
                assertThat(outcomes).containsExactly("accepted");
                assertThat(service.grep("service-died")).isEmpty();
            } else {
                assertThat(outcomes).hasSize(1);
                assertThat(outcomes.get(0))
                        .startsWith("service-died: the service died 1 times while processing this" + " instance");
                assertThat(count(data.resolve("spool/quarantine"))).isEqualTo(1);
            }
            assertThat(count(attempts)).as("attempt counters cleared").isZero();
            assertThat(count(data.resolve("spool/incoming"))).as("spool empty").isZero();
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

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> !f.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}

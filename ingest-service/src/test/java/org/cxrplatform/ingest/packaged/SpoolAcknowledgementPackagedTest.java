package org.cxrplatform.ingest.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cxr.ingest.acknowledge=SPOOL} through the packaged service: the success is sent while the instance still
 * waits for its decoder (the only worker is held with SIGSTOP) and nothing is on Kafka yet; with
 * {@code max-backlog=1} the next instance is refused with 0xA700; kill -9 after the success, a normal restart, and
 * the accepted instance is on Kafka exactly once, the refused one not at all.
 */
@Tag("packaged")
class SpoolAcknowledgementPackagedTest {

    @TempDir
    Path tmp;

    @Test
    void aSuccessSurvivesKillNineAndTheBacklogIsBounded() throws Exception {
        List<SampleStudies.Sample> samples = List.of(
                SampleStudies.write(tmp.resolve("a"), 1501).get(0),
                SampleStudies.write(tmp.resolve("b"), 1502).get(0));
        Path first = SampleTranscoder.transcode(
                samples.get(0).file(), SampleTranscoder.Syntax.JPEG_LS, tmp.resolve("a-jls"));
        Path second = SampleTranscoder.transcode(
                samples.get(1).file(), SampleTranscoder.Syntax.JPEG_LS, tmp.resolve("b-jls"));
        List<String> ours =
                samples.stream().map(SampleStudies.Sample::studyInstanceUid).toList();
        Path data = tmp.resolve("data");
        int port = FreePorts.next();
        try (ServiceProcess service = PackagedIngest.service(
                        data,
                        port,
                        Map.of(
                                "cxr.ingest.acknowledge", "SPOOL",
                                "cxr.ingest.max-backlog", "1",
                                "cxr.ingest.decoders.workers", "1",
                                "cxr.ingest.decoders.timeout", "10m"));
                EventCollector events = new EventCollector()) {
            ProcessHandle worker = PackagedIngest.startWithStoppedWorker(service);

            Dcmtk.Result accepted = store(port, first);
            assertThat(accepted.successes()).as(accepted.output()).isEqualTo(1);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> PackagedIngest.files(data.resolve("spool/attempts"))
                            == 1); // in the decoder, answered already
            Dcmtk.Result refused = store(port, second);
            assertThat(refused.successes()).as(refused.output()).isZero();
            assertThat(refused.responses()).as(refused.output()).hasSize(1);
            assertThat(refused.responses().get(0)).contains("OutOfResources");
            assertThat(studies(events, ours)).as("nothing published yet").isEmpty();

            PackagedIngest.killNineAndReleaseWorker(service, worker);
            service.start();
            service.awaitReady(PackagedIngest.startTimeout());
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> !studies(events, ours).isEmpty());
            Thread.sleep(3000); // a second record would come from the same recovery pass
            assertThat(studies(events, ours)).containsExactly(samples.get(0).studyInstanceUid());
            assertThat(PackagedIngest.files(data.resolve("spool/incoming")))
                    .as("spool empty")
                    .isZero();
            assertThat(PackagedIngest.files(data.resolve("spool/attempts")))
                    .as("attempt counters cleared")
                    .isZero();
            assertThat(service.starts()).isEqualTo(2);
        }
    }

    private static Dcmtk.Result store(int port, Path file) {
        return Dcmtk.storescu(PackagedIngest.ROUTER, PackagedIngest.AE, port, List.of("-xt"), List.of(file));
    }

    /** Study Instance UIDs of this test's records on the lanes and the DLQ so far, in order. */
    private static List<String> studies(EventCollector events, List<String> ours) {
        return events.poll().stream().map(r -> r.key()).filter(ours::contains).toList();
    }
}

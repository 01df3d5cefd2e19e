package org.cxrplatform.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pixelmed.dicom.TransferSyntax;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Stage;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.scp.StoreOutcome;
import org.cxrplatform.ingest.scp.StoreRequest;
import org.cxrplatform.ingest.support.CraftedFragments;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.ingest.support.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JPEG instance whose first fragment declares ~2 GB in a 1 kB file goes through the real
 * pipeline (spool, selection, render, Kafka): dead-lettered with the fragment, the declared and
 * the available length in the reason, instead of an OutOfMemoryError on the way.
 */
class HugeFragmentTest {

    @TempDir
    Path tmp;

    @Test
    void hugeFragmentIsDeadLetteredByNameWithDeclaredAndAvailableLength() throws Exception {
        SampleStudies.Sample s = SampleStudies.write(tmp.resolve("s"), 9090).get(0); // frontal chest: reaches render
        try (IngestNode node = TestNodes.start(tmp.resolve("spool"));
                EventCollector events = new EventCollector()) {
            Path part = CraftedFragments.write(
                    s.file(), 2_147_483_632L, node.spool().incomingDir().resolve("huge.part"));
            StoreOutcome outcome = node.pipeline()
                    .store(new StoreRequest(
                            part,
                            null,
                            s.sopInstanceUid(),
                            TransferSyntax.JPEGBaseline,
                            TestNodes.ROUTER,
                            null,
                            Instant.now()));
            assertThat(outcome.success()).as(outcome.comment()).isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> find(events, s).isPresent());
            DeadLetter dl = find(events, s).orElseThrow();
            System.out.println("dead letter reason: " + dl.reason());
            assertThat(dl.stage()).isEqualTo(Stage.INGEST);
            assertThat(dl.reason())
                    .startsWith("fragment-length: Pixel Data fragment 1")
                    .contains("declares 2147483632 bytes but only 16 remain");
            assertThat(Path.of(dl.payloadRef()))
                    .exists()
                    .startsWith(node.spool().quarantineDir());
        }
    }

    private static Optional<DeadLetter> find(EventCollector events, SampleStudies.Sample s) {
        return events.poll().stream()
                .filter(r -> r.topic().equals(Topics.DLQ))
                .map(r -> EventJson.read(r.value(), DeadLetter.class))
                .filter(d -> s.studyInstanceUid().equals(d.studyInstanceUid()))
                .findFirst();
    }
}

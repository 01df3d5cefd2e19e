package org.cxrplatform.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quarantined files (dead-lettered instances: PHI) are deleted once older than
 * {@code cxr.ingest.quarantine-retention}, counted in {@code cxr.ingest.quarantine.purged}; younger
 * ones stay.
 */
class QuarantinePurgeTest {

    @TempDir
    Path tmp;

    @Test
    void filesPastTheRetentionArePurgedAndYoungerOnesKept() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (IngestNode node = new IngestNode(
                        TestNodes.config(
                                tmp.resolve("data"),
                                FreePorts.next(),
                                Duration.ofSeconds(6),
                                Map.of(
                                        "cxr.ingest.quarantine-retention", "1h",
                                        "cxr.ingest.quarantine-purge-interval", "200ms",
                                        "cxr.ingest.decoders.workers", "1")),
                        TestNodes.kafka(),
                        metrics)
                .start()) {
            // a real dead letter: its file is quarantined now, so it is kept
            SampleStudies.Sample s =
                    SampleStudies.write(tmp.resolve("samples"), 9100).get(0);
            AttributeList list = new AttributeList();
            list.read(s.file().toFile());
            list.remove(TagFromName.PixelData);
            list.write(s.file().toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            Dcmtk.Result r = Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of(), List.of(s.file()));
            assertThat(r.ok()).as(r.output()).isTrue();
            Path quarantine = node.spool().quarantineDir();
            await().atMost(Duration.ofSeconds(30)).until(() -> count(quarantine) == 1);
            Path fresh;
            try (var files = Files.list(quarantine)) {
                fresh = files.findFirst().orElseThrow();
            }

            // one quarantined two hours ago (a retention of one hour)
            Path old = quarantine.resolve("old-dead-letter.dcm");
            Files.write(old, new byte[] {1, 2, 3});
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(old));
            assertThat(metrics.counter("cxr.ingest.quarantine.purged").count()).isEqualTo(1.0);
            assertThat(fresh).exists();
        }
    }

    private static long count(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }
}

package org.cxrplatform.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Orthanc fed and probed by DCMTK: it stores, refuses while stopped, and keeps its storage over a restart. */
class OrthancAndDcmtkTest {

    @Test
    void orthancStoresWhatStorescuSendsAndKeepsItOverARestart(@TempDir Path dir) {
        SampleStudies.Sample sample =
                SampleStudies.writeFrontalChest(dir.resolve("samples"), SampleStudies.DEFAULT_SEED);
        try (Orthanc pacs =
                Orthanc.in(dir.resolve("orthanc")).aeTitle("TESTPACS").start()) {
            assertThat(Dcmtk.echoscu("LOADER", pacs.aeTitle(), pacs.dicomPort()).ok())
                    .isTrue();
            assertThat(Dcmtk.echoscu("LOADER", "NOT_THE_PACS", pacs.dicomPort()).ok())
                    .as("called AE title checked")
                    .isFalse();
            Dcmtk.Result stored = Dcmtk.storescu("LOADER", pacs.aeTitle(), pacs.dicomPort(), List.of(sample.file()));
            assertThat(stored.allStored(1)).as(stored.output()).isTrue();
            assertThat(stored.responses()).containsExactly("Success");
            assertThat(pacs.instancesOfStudy(sample.studyInstanceUid())).hasSize(1);

            pacs.stop(Duration.ofSeconds(10));
            assertThat(Dcmtk.echoscu("LOADER", pacs.aeTitle(), pacs.dicomPort()).ok())
                    .as("down")
                    .isFalse();
            pacs.startAndWait(Duration.ofSeconds(60));
            assertThat(pacs.instanceCount()).isEqualTo(1);
        }
    }
}

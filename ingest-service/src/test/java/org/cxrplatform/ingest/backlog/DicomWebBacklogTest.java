package org.cxrplatform.ingest.backlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Orthanc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backlog job against Orthanc's DICOMweb plugin: QIDO-RS finds, WADO-RS retrieves, routine lane, no DIMSE pull. */
class DicomWebBacklogTest {

    @TempDir
    Path tmp;

    @Test
    void findsWithQidoAndRetrievesWithWadoIntoTheRoutineLane() throws Exception {
        List<SampleStudies.Sample> samples = SampleStudies.write(tmp.resolve("a"), 6161);
        List<SampleStudies.Sample> inRange = samples.stream()
                .filter(s -> s.label().startsWith("01")
                        || s.label().startsWith("02")
                        || s.label().startsWith("03")
                        || s.label().startsWith("04"))
                .toList();
        Set<String> expectedQueued = inRange.stream()
                .filter(SampleStudies.Sample::frontalChest)
                .map(SampleStudies.Sample::sopInstanceUid)
                .collect(Collectors.toSet());

        try (IngestNode node = TestNodes.start(tmp.resolve("spool"));
                Orthanc pacs = Orthanc.in(tmp.resolve("orthanc")).dicomWeb().start();
                EventCollector events = new EventCollector()) {
            Dcmtk.Result load = Dcmtk.storescu(
                    "LOADER",
                    pacs.aeTitle(),
                    pacs.dicomPort(),
                    List.of(),
                    samples.stream().map(SampleStudies.Sample::file).toList());
            assertThat(load.ok()).as(load.output()).isTrue();

            DicomWebPacsClient client = new DicomWebPacsClient(
                    pacs.dicomWebUrl(),
                    null,
                    node.pipeline(),
                    node.spool().incomingDir(),
                    64L * 1024 * 1024,
                    TestNodes.AE);
            try (BacklogService service = new BacklogService(new JobStore(tmp.resolve("jobs")), client, 20.0)) {
                node.pipeline().backlogHook(service);
                String id = service.submit(
                                new JobRequest(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 31), null, "CHEST"))
                        .id();
                await().atMost(Duration.ofSeconds(60)).until(() -> BacklogJobTest.settled(service.progress(id)));
                BacklogJob.Progress done = service.progress(id).orElseThrow();
                assertThat(done.found()).isEqualTo(inRange.size());
                assertThat(done.queued()).isEqualTo(expectedQueued.size());
                assertThat(done.skipped()).as("laterals").isEqualTo(inRange.size() - expectedQueued.size());
                assertThat(done.failed()).isZero();
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            BacklogJobTest.studyEvents(events, expectedQueued).size() >= expectedQueued.size());
            List<ConsumerRecord<String, byte[]>> recs = BacklogJobTest.studyEvents(events, expectedQueued);
            Map<String, Long> perSop = recs.stream()
                    .collect(Collectors.groupingBy(
                            r -> EventJson.read(r.value(), StudyEvent.class).sopInstanceUid(), Collectors.counting()));
            assertThat(perSop.keySet()).isEqualTo(expectedQueued);
            assertThat(perSop.values()).allMatch(n -> n == 1L);
            assertThat(recs).allMatch(r -> r.topic().equals(Topics.STUDIES_ROUTINE));
            assertThat(EventJson.read(recs.get(0).value(), StudyEvent.class)
                            .acquisition()
                            .callingAeTitle())
                    .isEqualTo("DICOMWEB");
        }
    }
}

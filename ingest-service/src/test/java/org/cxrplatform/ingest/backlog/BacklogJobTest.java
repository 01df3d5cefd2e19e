package org.cxrplatform.ingest.backlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
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

/** A backlog job against a real Orthanc: C-FIND, rate-limited C-MOVE into the routine lane, resumed after a restart. */
class BacklogJobTest {

    @TempDir
    Path tmp;

    @Test
    void pullsChestStudiesOfADateRangeIntoTheRoutineLaneAndResumesAfterRestart() throws Exception {
        List<SampleStudies.Sample> samples = new ArrayList<>();
        samples.addAll(SampleStudies.write(tmp.resolve("a"), 4242));
        samples.addAll(SampleStudies.write(tmp.resolve("b"), 4343));
        // Study dates of the samples: study k on 2026-(k+1)-(10+k); Jan..Mar holds studies 0-2 (PA+LAT, PA, AP STAT).
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

        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (IngestNode node = TestNodes.start(tmp.resolve("spool"), Map.of(), metrics);
                Orthanc pacs = Orthanc.in(tmp.resolve("orthanc"))
                        .modality(TestNodes.AE, node.port())
                        .start();
                EventCollector events = new EventCollector()) {
            Dcmtk.Result load = Dcmtk.storescu(
                    "LOADER",
                    pacs.aeTitle(),
                    pacs.dicomPort(),
                    List.of(),
                    samples.stream().map(SampleStudies.Sample::file).toList());
            assertThat(load.ok()).as(load.output()).isTrue();
            assertThat(pacs.instanceCount()).isEqualTo(samples.size());

            JobStore store = new JobStore(tmp.resolve("jobs"));
            PacsClient client = new PacsClient("127.0.0.1", pacs.dicomPort(), pacs.aeTitle(), TestNodes.AE);
            JobRequest request = new JobRequest(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 31), null, "CHEST");
            String id;
            try (BacklogService first = new BacklogService(store, client, 2.0)) {
                node.pipeline().backlogHook(first);
                id = first.submit(request).id();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> first.progress(id).orElseThrow().retrieved() >= 2);
            } // the service stops mid-job, as on a restart
            // Instances the PACS delivered are settled from the spool (acknowledge=SPOOL): wait for them, as a
            // restarted service's spool recovery would, before the job is read back.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> metrics.get("cxr.ingest.backlog").gauge().value() == 0);
            BacklogJob.Progress stopped =
                    new JobStore(tmp.resolve("jobs")).loadAll().get(0).progress();
            assertThat(stopped.found()).isEqualTo(inRange.size());
            assertThat(stopped.pending()).as("stopped with work left").isGreaterThan(0);

            try (BacklogService second = new BacklogService(new JobStore(tmp.resolve("jobs")), client, 2.0)) {
                node.pipeline().backlogHook(second);
                second.resumeUnfinished();
                await().atMost(Duration.ofSeconds(90)).until(() -> settled(second.progress(id)));
                BacklogJob.Progress done = second.progress(id).orElseThrow();
                assertThat(done.found()).isEqualTo(inRange.size());
                assertThat(done.retrieved()).isEqualTo(inRange.size());
                assertThat(done.queued()).isEqualTo(expectedQueued.size());
                assertThat(done.skipped()).as("laterals").isEqualTo(inRange.size() - expectedQueued.size());
                assertThat(done.failed()).isZero();
            }

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> studyEvents(events, expectedQueued).size() >= expectedQueued.size());
            List<ConsumerRecord<String, byte[]>> recs = studyEvents(events, expectedQueued);
            Map<String, Long> perSop = recs.stream()
                    .collect(Collectors.groupingBy(
                            r -> EventJson.read(r.value(), StudyEvent.class).sopInstanceUid(), Collectors.counting()));
            assertThat(perSop.keySet()).isEqualTo(expectedQueued);
            assertThat(perSop.values()).allMatch(n -> n == 1L);
            for (ConsumerRecord<String, byte[]> r : recs) {
                StudyEvent e = EventJson.read(r.value(), StudyEvent.class);
                assertThat(r.topic()).isEqualTo(Topics.STUDIES_ROUTINE);
                assertThat(e.lane())
                        .as("even the STAT study goes to the routine lane when pulled")
                        .isEqualTo(Lane.ROUTINE);
                assertThat(e.priorityReason()).isEqualTo("backlog job " + id);
                assertThat(e.acquisition().callingAeTitle()).isEqualTo(pacs.aeTitle());
            }
        }
    }

    /**
     * The job is done and every instance it retrieved is settled: the C-MOVE ends when the instances are in our
     * spool, their outcome (queued, skipped) follows from the background stage.
     */
    static boolean settled(java.util.Optional<BacklogJob.Progress> progress) {
        BacklogJob.Progress p = progress.orElseThrow();
        return p.state() == BacklogJob.State.DONE && p.queued() + p.skipped() + p.failed() == p.found();
    }

    static List<ConsumerRecord<String, byte[]>> studyEvents(EventCollector events, Set<String> sops) {
        return events.poll().stream()
                .filter(r -> !r.topic().equals(Topics.DLQ))
                .filter(r -> sops.contains(
                        EventJson.read(r.value(), StudyEvent.class).sopInstanceUid()))
                .toList();
    }
}

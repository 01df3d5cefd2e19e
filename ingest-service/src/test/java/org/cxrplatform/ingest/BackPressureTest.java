package org.cxrplatform.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.ManagedProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Back-pressure of the default {@code acknowledge=SPOOL}: four storescu associations send JPEG-LS instances (decoded in
 * the decoder worker) to a node with one background decode and {@code max-backlog=2}, while the test holds that worker
 * with SIGSTOP, so publication is as slow as it gets: every association ends up held for a place in the backlog, its
 * C-STORE response pending, with two instances in the spool; once the worker runs again they are paced by
 * publication, none refused, every frontal chest on Kafka exactly once, the spool empty. A held sender does not hold
 * up a stopping node.
 */
class BackPressureTest {

    private static final int ASSOCIATIONS = 4;

    @TempDir
    Path tmp;

    private final ExecutorService routers = Executors.newCachedThreadPool();
    /** Workers this test stopped: one left stopped would hold the test JVM's output open after it exits. */
    private final List<ProcessHandle> stopped = new ArrayList<>();

    @AfterEach
    void stopRoutersAndWorkers() {
        routers.shutdownNow();
        stopped.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void fourAssociationsFasterThanPublicationArePacedNotRefused() throws Exception {
        List<List<SampleStudies.Sample>> sent = new ArrayList<>();
        for (int a = 0; a < ASSOCIATIONS; a++) {
            sent.add(SampleStudies.write(tmp.resolve("a" + a), 14_000 + a));
        }
        Set<String> frontal = sent.stream()
                .flatMap(List::stream)
                .filter(SampleStudies.Sample::frontalChest)
                .map(SampleStudies.Sample::sopInstanceUid)
                .collect(Collectors.toSet());
        MeterRegistry metrics = new SimpleMeterRegistry();
        Path data = tmp.resolve("node");
        try (IngestNode node = TestNodes.start(data, slowPublication("2m"), metrics);
                EventCollector events = new EventCollector()) {
            ProcessHandle worker = stopWorker(node);
            List<CompletableFuture<Dcmtk.Result>> stores = new ArrayList<>();
            for (List<SampleStudies.Sample> association : sent) {
                stores.add(send(node.port(), jpegLs(association)));
            }
            await().atMost(Duration.ofMinutes(2))
                    .until(() ->
                            metrics.get("cxr.ingest.backlog.waiting").gauge().value() == ASSOCIATIONS);
            assertThat(node.spool().pendingCount())
                    .as("accepted instances in the spool: max-backlog")
                    .isEqualTo(2);
            assertThat(partials(node))
                    .as("one received instance per held association")
                    .isEqualTo(ASSOCIATIONS);
            assertThat(stores).as("every association waits for its response").noneMatch(CompletableFuture::isDone);
            ManagedProcess.signal("CONT", worker.pid());

            for (int a = 0; a < ASSOCIATIONS; a++) {
                Dcmtk.Result store = stores.get(a).get();
                assertThat(store.successes())
                        .as("association %d: every instance taken: %s", a, store.output())
                        .isEqualTo(sent.get(a).size());
            }
            assertThat(metrics.find("cxr.ingest.instances.rejected").counters())
                    .as("nothing refused")
                    .isEmpty();
            Timer admitted = metrics.find("cxr.ingest.backlog.wait")
                    .tag("outcome", "admitted")
                    .timer();
            assertThat(admitted).isNotNull();
            assertThat(admitted.count()).as("paced waits").isGreaterThanOrEqualTo(ASSOCIATIONS);
            await().atMost(Duration.ofMinutes(2)).until(() -> node.spool().pendingCount() == 0);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> publishedFrontals(events, frontal).size() >= frontal.size());
            Thread.sleep(1000); // let any stray duplicate arrive before counting
            Map<String, Long> perSop = publishedFrontals(events, frontal).stream()
                    .collect(Collectors.groupingBy(sop -> sop, Collectors.counting()));
            assertThat(perSop.keySet()).isEqualTo(frontal);
            assertThat(perSop).allSatisfy((sop, n) -> assertThat(n).as(sop).isEqualTo(1L));
            assertThat(partials(node)).isZero();
        }
    }

    @Test
    void aHeldSenderIsRefusedWhenTheNodeStops() throws Exception {
        List<SampleStudies.Sample> samples = SampleStudies.write(tmp.resolve("samples"), 14_100);
        MeterRegistry metrics = new SimpleMeterRegistry();
        Path data = tmp.resolve("node");
        CompletableFuture<Dcmtk.Result> store;
        try (IngestNode node = TestNodes.start(data, slowPublication("10m"), metrics)) {
            stopWorker(node); // close kills it
            store = send(node.port(), jpegLs(samples));
            await().atMost(Duration.ofMinutes(2))
                    .until(() ->
                            metrics.get("cxr.ingest.backlog.waiting").gauge().value() == 1);
        }
        // The sender was held with 10 minutes of backlog-wait left: the stop, not the backlog, answered it.
        Dcmtk.Result result = store.get(2, TimeUnit.MINUTES);
        assertThat(result.successes()).as(result.output()).isEqualTo(2); // the backlog's two places
        assertThat(result.responses()).as(result.output()).anyMatch(r -> r.contains("OutOfResources"));
        assertThat(metrics.get("cxr.ingest.backlog.wait")
                        .tag("outcome", "stopping")
                        .timer()
                        .count())
                .isGreaterThanOrEqualTo(1);
        assertThat(metrics.get("cxr.ingest.backlog.waiting").gauge().value()).isZero();
    }

    /** One background decode, one decoder worker (held by the test), a backlog of two; no time limit ends the hold. */
    private static Map<String, String> slowPublication(String backlogWait) {
        return Map.of(
                "cxr.ingest.max-backlog", "2",
                "cxr.ingest.backlog-wait", backlogWait,
                "cxr.ingest.render.max-concurrent-decodes", "1",
                "cxr.ingest.decoders.workers", "1",
                "cxr.ingest.decoders.timeout", "10m");
    }

    /** JPEG-LS copies (only the decoder worker decodes them), beside each other as the samples are (same names). */
    private List<Path> jpegLs(List<SampleStudies.Sample> samples) {
        return samples.stream()
                .map(s -> SampleTranscoder.transcode(
                        s.file(),
                        SampleTranscoder.Syntax.JPEG_LS,
                        tmp.resolve("jls").resolve(s.file().getParent().getFileName())))
                .toList();
    }

    /** The node's decoder worker, once it announced itself (a worker stopped before that would be replaced). */
    private ProcessHandle stopWorker(IngestNode node) throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> node.decoders().pids().size() == 1);
        ProcessHandle worker = ProcessHandle.of(node.decoders().pids().get(0)).orElseThrow();
        stopped.add(worker);
        ManagedProcess.signal("STOP", worker.pid());
        return worker;
    }

    /** One association with every file, on its own thread (the associations overlap). */
    private CompletableFuture<Dcmtk.Result> send(int port, List<Path> files) {
        return CompletableFuture.supplyAsync(
                () -> Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, port, List.of("-xt"), files), routers);
    }

    private static long partials(IngestNode node) throws Exception {
        try (Stream<Path> files = Files.list(node.spool().incomingDir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".part"))
                    .count();
        }
    }

    /** SOP Instance UIDs of the StudyEvents published for {@code frontal}, one per record. */
    private static List<String> publishedFrontals(EventCollector events, Set<String> frontal) {
        return events.poll().stream()
                .filter(r -> !r.topic().equals(Topics.DLQ))
                .map(r -> EventJson.read(r.value(), StudyEvent.class).sopInstanceUid())
                .filter(frontal::contains)
                .toList();
    }
}

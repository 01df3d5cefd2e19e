package org.cxrplatform.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away under a router: Kafka must end up with exactly one event per frontal chest instance. With
 * {@code acknowledge=KAFKA} the router sees failure statuses and its retries are the only copies; in the default
 * {@code SPOOL} mode the spool takes what arrives until a publication fails, then the router is refused until Kafka
 * is back, and the spool publishes what it took.
 */
class KafkaOutageTest {

    @TempDir
    Path tmp;

    @AfterEach
    void brokerBack() {
        Devstack.kafka().start();
    }

    /** Per file: did storescu get a success response? Files without a response count as failed. */
    static Map<Path, Boolean> outcomes(List<Path> files, String output) {
        Map<Path, Boolean> result = new LinkedHashMap<>();
        files.forEach(f -> result.put(f, false));
        Path current = null;
        for (String line : output.split("\n")) {
            if (line.contains("Sending file: ")) {
                current = Path.of(
                        line.substring(line.indexOf("Sending file: ") + 14).trim());
            } else if (line.contains("Received Store Response") && current != null) {
                result.put(current, line.contains("(Success)"));
            }
        }
        return result;
    }

    static List<ConsumerRecord<String, byte[]>> studyEvents(EventCollector events, Set<String> sops) {
        return events.poll().stream()
                .filter(r -> !r.topic().equals(Topics.DLQ))
                .filter(r -> sops.contains(
                        EventJson.read(r.value(), StudyEvent.class).sopInstanceUid()))
                .toList();
    }

    @Test
    void kafkaModeBrokerStoppedMidTransferThenRetryLosesAndDuplicatesNothing() throws Exception {
        List<SampleStudies.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.addAll(SampleStudies.write(tmp.resolve("s" + i), 9000 + i));
        }
        Set<String> frontal = samples.stream()
                .filter(SampleStudies.Sample::frontalChest)
                .map(SampleStudies.Sample::sopInstanceUid)
                .collect(Collectors.toSet());
        List<Path> files = samples.stream().map(SampleStudies.Sample::file).toList();
        try (IngestNode node = TestNodes.start(
                        tmp.resolve("spool"), Map.of("cxr.ingest.acknowledge", "KAFKA"), new SimpleMeterRegistry());
                EventCollector events = new EventCollector()) {
            // A router sends a batch; the broker stops while it is in flight.
            Thread stopper = new Thread(() -> {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !studyEvents(events, frontal).isEmpty());
                Devstack.kafka().stop();
            });
            stopper.start();
            Dcmtk.Result first = Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of(), files);
            stopper.join();
            Map<Path, Boolean> sent = outcomes(files, first.output());
            List<Path> failed = sent.entrySet().stream()
                    .filter(e -> !e.getValue())
                    .map(Map.Entry::getKey)
                    .toList();
            assertThat(failed)
                    .as("the router saw failures while Kafka was down")
                    .isNotEmpty();
            assertThat(first.output()).contains("Refused: OutOfResources");
            assertThat(node.spool().pendingCount())
                    .as("failed instances are not kept: the router holds them")
                    .isZero();

            Devstack.kafka().start();
            // The router retries only what failed, as routers do.
            Dcmtk.Result retry = Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of(), failed);
            assertThat(retry.ok()).as(retry.output()).isTrue();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> studyEvents(events, frontal).size() >= frontal.size());
            Thread.sleep(1000); // let any stray duplicate arrive before counting
            Map<String, Long> perSop = studyEvents(events, frontal).stream()
                    .collect(Collectors.groupingBy(
                            r -> EventJson.read(r.value(), StudyEvent.class).sopInstanceUid(), Collectors.counting()));
            assertThat(perSop.keySet()).isEqualTo(frontal);
            assertThat(perSop)
                    .as("no duplicates; first run: " + first.output() + "\nretried: " + failed)
                    .allSatisfy((sop, n) -> assertThat(n).as(sop).isEqualTo(1L));
        }
    }

    @Test
    void defaultModeSpoolsDuringAnOutageThenRefusesAndPublishesEverythingOnceAfter() throws Exception {
        // Frontal chests only: a skipped lateral settles without Kafka, which would lift the refusal for a moment.
        List<SampleStudies.Sample> spooled = frontalChests(SampleStudies.write(tmp.resolve("spooled"), 9200));
        List<SampleStudies.Sample> refused = frontalChests(SampleStudies.write(tmp.resolve("refused"), 9201));
        Set<String> all = java.util.stream.Stream.concat(spooled.stream(), refused.stream())
                .map(SampleStudies.Sample::sopInstanceUid)
                .collect(Collectors.toSet());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        // A publication gives up after 2 s: the refusal comes sooner (the producer keeps the record for minutes).
        try (IngestNode node =
                        TestNodes.start(tmp.resolve("spool"), Map.of("cxr.ingest.delivery-timeout", "2s"), metrics);
                EventCollector events = new EventCollector()) {
            Devstack.kafka().stop();
            Dcmtk.Result first = Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of(), files(spooled));
            assertThat(first.successes())
                    .as("taken into the spool while Kafka is down: " + first.output())
                    .isEqualTo(spooled.size());
            // Once a publication has failed, new instances are refused until one is published again.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> metrics.counter("cxr.ingest.instances.rejected", "reason", "kafka-unavailable")
                                    .count()
                            >= 1);
            Dcmtk.Result duringOutage =
                    Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of("--no-halt"), files(refused));
            assertThat(duringOutage.successes()).as(duringOutage.output()).isZero();
            assertThat(duringOutage.responses())
                    .as(duringOutage.output())
                    .hasSize(refused.size())
                    .allMatch(r -> r.contains("OutOfResources"));
            assertThat(node.spool().pendingCount())
                    .as("the accepted instances wait in the spool, the refused ones were not kept")
                    .isEqualTo(spooled.size());

            Devstack.kafka().start();
            // The router retries what was refused, as routers do, until it is taken.
            List<Path> toRetry = new ArrayList<>(files(refused));
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        Dcmtk.Result retry =
                                Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of(), toRetry);
                        outcomes(toRetry, retry.output()).forEach((file, ok) -> {
                            if (ok) {
                                toRetry.remove(file);
                            }
                        });
                        return toRetry.isEmpty();
                    });
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> studyEvents(events, all).size() >= all.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> node.spool().pendingCount() == 0);
            Thread.sleep(1000); // let any stray duplicate arrive before counting
            Map<String, Long> perSop = studyEvents(events, all).stream()
                    .collect(Collectors.groupingBy(
                            r -> EventJson.read(r.value(), StudyEvent.class).sopInstanceUid(), Collectors.counting()));
            assertThat(perSop.keySet()).isEqualTo(all);
            assertThat(perSop).allSatisfy((sop, n) -> assertThat(n).as(sop).isEqualTo(1L));
        }
    }

    private static List<SampleStudies.Sample> frontalChests(List<SampleStudies.Sample> samples) {
        return samples.stream().filter(SampleStudies.Sample::frontalChest).toList();
    }

    private static List<Path> files(List<SampleStudies.Sample> samples) {
        return samples.stream().map(SampleStudies.Sample::file).toList();
    }

    @Test
    void spoolLeftoversArePublishedOnceKafkaIsBack() throws Exception {
        SampleStudies.Sample pa = SampleStudies.write(tmp.resolve("left"), 9100).get(0);
        Path dataDir = tmp.resolve("node2");
        Devstack.createTopics(Topics.ALL, 3);
        try (EventCollector events = new EventCollector()) {
            Devstack.kafka().stop();
            // A previous run crashed after committing this instance to the spool, before Kafka acknowledged it.
            Path incoming = Files.createDirectories(dataDir.resolve("spool/incoming"));
            Files.copy(pa.file(), incoming.resolve("crashed.dcm"));
            Files.writeString(
                    incoming.resolve("crashed.properties"), "callingAe=ROUTER\nreceivedAt=" + Instant.now() + "\n");
            Files.writeString(incoming.resolve("halfway.part"), "partial transfer");
            try (IngestNode node = TestNodes.start(dataDir)) {
                assertThat(Files.exists(incoming.resolve("halfway.part")))
                        .as("partials dropped at start")
                        .isFalse();
                Thread.sleep(3000);
                assertThat(node.spool().pendingCount())
                        .as("kept while Kafka is down")
                        .isEqualTo(1);
                Devstack.kafka().start();
                await().atMost(Duration.ofSeconds(40)).until(() -> node.spool().pendingCount() == 0);
                await().atMost(Duration.ofSeconds(20))
                        .until(() ->
                                studyEvents(events, Set.of(pa.sopInstanceUid())).size() == 1);
                StudyEvent e = EventJson.read(
                        studyEvents(events, Set.of(pa.sopInstanceUid())).get(0).value(), StudyEvent.class);
                assertThat(e.acquisition().callingAeTitle()).isEqualTo("ROUTER");
            }
        }
    }
}

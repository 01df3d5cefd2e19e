package org.cxrplatform.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.devstack.samples.SampleTranscoder.Syntax;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.ingest.support.StorescuProposals;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DCMTK peers against a real ingest node and the real Kafka broker. */
class DicomIngestTest {

    @TempDir
    static Path tmp;

    static IngestNode node;
    static EventCollector events;

    @BeforeAll
    static void start() {
        node = TestNodes.start(tmp.resolve("spool"));
        events = new EventCollector();
    }

    @AfterAll
    static void stop() {
        events.close();
        node.close();
    }

    static Map<String, ConsumerRecord<String, byte[]>> eventsBySop(Set<String> sops, int expected) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> events.poll().stream()
                                .filter(r -> !r.topic().equals(Topics.DLQ))
                                .filter(r -> sops.contains(EventJson.read(r.value(), StudyEvent.class)
                                        .sopInstanceUid()))
                                .count()
                        >= expected);
        List<ConsumerRecord<String, byte[]>> matching = events.poll().stream()
                .filter(r -> !r.topic().equals(Topics.DLQ))
                .filter(r -> sops.contains(
                        EventJson.read(r.value(), StudyEvent.class).sopInstanceUid()))
                .toList();
        assertThat(matching).as("one event per accepted instance").hasSize(expected);
        return matching.stream()
                .collect(Collectors.toMap(
                        r -> EventJson.read(r.value(), StudyEvent.class).sopInstanceUid(), Function.identity()));
    }

    @Test
    void echoFromKnownCallerSucceedsAndUnknownCallerIsRejectedAtAssociation() {
        assertThat(Dcmtk.echoscu(TestNodes.ROUTER, TestNodes.AE, node.port()).ok())
                .isTrue();
        Dcmtk.Result wrong = Dcmtk.echoscu("WRONG", TestNodes.AE, node.port());
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.output()).containsIgnoringCase("Calling AE Title Not Recognized");
        Dcmtk.Result wrongCalled = Dcmtk.echoscu(TestNodes.ROUTER, "SOMEONE_ELSE", node.port());
        assertThat(wrongCalled.ok()).isFalse();
        assertThat(wrongCalled.output()).containsIgnoringCase("Called AE Title Not Recognized");
    }

    @ParameterizedTest
    @EnumSource(Syntax.class)
    void everyTransferSyntaxArrivesAsOneEventPerFrontalChestWithTheRightLane(Syntax syntax) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(SampleTranscoder.available(syntax), syntax + " tool missing");
        List<SampleStudies.Sample> samples = SampleStudies.write(tmp.resolve("s-" + syntax), 1000 + syntax.ordinal());
        List<Path> files = new ArrayList<>();
        List<SampleStudies.Sample> sent = new ArrayList<>();
        for (SampleStudies.Sample s : samples) {
            if (syntax == Syntax.JPEG_EXTENDED_12BIT && s.bitsStored() > 12) {
                continue;
            }
            files.add(SampleTranscoder.transcode(s.file(), syntax, tmp.resolve("ts-" + syntax)));
            sent.add(s);
        }
        String proposal = StorescuProposals.of(syntax);
        Dcmtk.Result r = Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of(proposal), files);
        assertThat(r.ok()).as(r.output()).isTrue();
        if (syntax != Syntax.DEFLATE) { // PixelMed's policy prefers explicit LE when deflate is also proposed
            assertThat(r.output()
                            .lines()
                            .filter(l -> l.contains("Converting transfer syntax"))
                            .allMatch(l -> l.substring(l.indexOf("syntax: ") + 8)
                                    .split(" -> ")[0]
                                    .equals(l.split(" -> ")[1])))
                    .as("sent in the file's own syntax: " + r.output())
                    .isTrue();
        }

        Set<String> frontal = sent.stream()
                .filter(SampleStudies.Sample::frontalChest)
                .map(SampleStudies.Sample::sopInstanceUid)
                .collect(Collectors.toSet());
        Map<String, ConsumerRecord<String, byte[]>> bySop = eventsBySop(
                sent.stream().map(SampleStudies.Sample::sopInstanceUid).collect(Collectors.toSet()), frontal.size());
        assertThat(bySop.keySet()).isEqualTo(frontal);
        for (SampleStudies.Sample s : sent) {
            ConsumerRecord<String, byte[]> rec = bySop.get(s.sopInstanceUid());
            if (rec == null) {
                continue; // lateral and hand: skipped
            }
            StudyEvent e = EventJson.read(rec.value(), StudyEvent.class);
            assertThat(rec.key()).isEqualTo(s.studyInstanceUid());
            assertThat(e.lane()).isEqualTo(s.stat() ? Lane.STAT : Lane.ROUTINE);
            assertThat(rec.topic()).isEqualTo(e.lane().topic());
            assertThat(e.priorityReason()).isNotBlank();
            if (s.stat()) {
                assertThat(e.priorityReason()).isEqualTo("RequestedProcedurePriority=STAT");
            }
            assertThat(e.accessionNumber()).isEqualTo(s.accessionNumber());
            assertThat(e.patient()).as("no PHI by default").isNull();
            assertThat(e.acquisition().callingAeTitle()).isEqualTo(TestNodes.ROUTER);
            assertThat(EventHeaders.get(rec.headers(), EventHeaders.TYPE)).contains(StudyEvent.TYPE.ceType());
            assertThat(EventHeaders.get(rec.headers(), EventHeaders.ID)).contains(e.eventId());
            assertThat(EventHeaders.isValidTraceparent(EventHeaders.get(rec.headers(), EventHeaders.TRACEPARENT)
                            .orElseThrow()))
                    .isTrue();
            byte[] png = Base64.getDecoder().decode(e.image().pngBase64());
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
            assertThat(img.getWidth()).isEqualTo(e.image().width()).isEqualTo(512);
            int lung = img.getRaster().getSample(150, 300, 0);
            int mediastinum = img.getRaster().getSample(256, 300, 0);
            assertThat(lung).as(s.label() + " " + syntax).isLessThan(mediastinum);
        }
        // The success came from the spool (acknowledge=SPOOL): each entry goes once its record is acknowledged.
        await().atMost(Duration.ofSeconds(30)).until(() -> node.spool().pendingCount() == 0);
    }

    @Test
    void emergencyRouterMakesStatAndLateralsAreSkipped() {
        List<SampleStudies.Sample> samples = SampleStudies.write(tmp.resolve("er"), 77);
        SampleStudies.Sample pa = samples.get(0);
        SampleStudies.Sample lateral = samples.get(1);
        Dcmtk.Result r = Dcmtk.storescu(
                TestNodes.ER_ROUTER, TestNodes.AE, node.port(), List.of(), List.of(pa.file(), lateral.file()));
        assertThat(r.ok()).as(r.output()).isTrue();
        Map<String, ConsumerRecord<String, byte[]>> bySop =
                eventsBySop(Set.of(pa.sopInstanceUid(), lateral.sopInstanceUid()), 1);
        StudyEvent e = EventJson.read(bySop.get(pa.sopInstanceUid()).value(), StudyEvent.class);
        assertThat(e.lane()).isEqualTo(Lane.STAT);
        assertThat(e.priorityReason()).isEqualTo("CallingAETitle=" + TestNodes.ER_ROUTER);
        assertThat(bySop).doesNotContainKey(lateral.sopInstanceUid());
    }

    @Test
    void concurrentAssociationsFromSeveralRouters() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Dcmtk.Result> results = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<String> frontal = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 4; i++) {
            List<SampleStudies.Sample> samples = SampleStudies.write(tmp.resolve("c" + i), 500 + i);
            samples.stream().filter(SampleStudies.Sample::frontalChest).forEach(s -> frontal.add(s.sopInstanceUid()));
            Thread t = new Thread(() -> results.add(Dcmtk.storescu(
                    TestNodes.ROUTER,
                    TestNodes.AE,
                    node.port(),
                    List.of(),
                    samples.stream().map(SampleStudies.Sample::file).toList())));
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(results).allMatch(Dcmtk.Result::ok);
        assertThat(eventsBySop(frontal, frontal.size())).hasSize(16);
    }
}

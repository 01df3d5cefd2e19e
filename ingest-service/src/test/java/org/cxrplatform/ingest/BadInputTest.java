package org.cxrplatform.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Stage;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.scp.DicomStatus;
import org.cxrplatform.ingest.scp.StoreOutcome;
import org.cxrplatform.ingest.scp.StoreRequest;
import org.cxrplatform.ingest.support.CrashInputs;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed instances get a precise failure status or a dead letter with the file in
 * quarantine; the node keeps serving either way.
 */
class BadInputTest {

    @TempDir
    static Path tmp;

    static IngestNode node;
    static EventCollector events;
    static int seed = 7000;

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

    interface Edit {
        void apply(AttributeList list) throws Exception;
    }

    /** A fresh frontal chest sample, edited, written back as explicit VR little endian. */
    static SampleStudies.Sample broken(String name, Edit edit) throws Exception {
        SampleStudies.Sample s = SampleStudies.write(tmp.resolve(name), seed++).get(0);
        AttributeList list = new AttributeList();
        list.read(s.file().toFile());
        edit.apply(list);
        list.write(s.file().toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return s;
    }

    static DeadLetter deadLetterFor(SampleStudies.Sample s) {
        await().atMost(Duration.ofSeconds(20)).until(() -> find(s).isPresent());
        return find(s).orElseThrow();
    }

    static Optional<DeadLetter> find(SampleStudies.Sample s) {
        return events.poll().stream()
                .filter(r -> r.topic().equals(Topics.DLQ))
                .map(r -> EventJson.read(r.value(), DeadLetter.class))
                .filter(d -> s.studyInstanceUid().equals(d.studyInstanceUid()))
                .findFirst();
    }

    static Dcmtk.Result send(SampleStudies.Sample s) {
        return Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of(), List.of(s.file()));
    }

    void assertDeadLettered(SampleStudies.Sample s, String code) {
        Dcmtk.Result r = send(s);
        assertThat(r.ok()).as("accepted, then dead-lettered: " + r.output()).isTrue();
        DeadLetter dl = deadLetterFor(s);
        assertThat(dl.stage()).isEqualTo(Stage.INGEST);
        assertThat(dl.reason()).startsWith(code + ":");
        assertThat(Path.of(dl.payloadRef())).exists().startsWith(node.spool().quarantineDir());
    }

    @Test
    void pixelDataShorterThanTheImageIsDeadLettered() throws Exception {
        SampleStudies.Sample s = broken("short", l -> {
            OtherWordAttribute px = new OtherWordAttribute(TagFromName.PixelData);
            px.setValues(new short[1000]);
            l.put(px);
        });
        assertDeadLettered(s, "pixel-data-length");
    }

    @Test
    void zeroSizeImageIsDeadLettered() throws Exception {
        SampleStudies.Sample s = broken("zero", l -> {
            l.putNewAttribute(TagFromName.Rows).addValue(0);
            l.putNewAttribute(TagFromName.Columns).addValue(0);
        });
        assertDeadLettered(s, "non-image"); // no usable image pixel module at all
    }

    @Test
    void absurdDimensionsAreRefusedBeforeDecoding() throws Exception {
        SampleStudies.Sample s = broken("bomb", l -> {
            l.putNewAttribute(TagFromName.Rows).addValue(60000);
            l.putNewAttribute(TagFromName.Columns).addValue(60000);
        });
        Dcmtk.Result r = send(s);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("Refused: OutOfResources");
        assertThat(find(s)).isEmpty();
    }

    @Test
    void paletteColourWithoutAPaletteIsDeadLettered() throws Exception {
        SampleStudies.Sample s = broken("nopalette", l -> {
            l.putNewAttribute(TagFromName.PhotometricInterpretation).addValue("PALETTE COLOR");
        });
        assertDeadLettered(s, "palette");
    }

    @Test
    void unsupportedPhotometricIsDeadLettered() throws Exception {
        SampleStudies.Sample s = broken("cmyk", l -> {
            l.putNewAttribute(TagFromName.PhotometricInterpretation).addValue("CMYK");
        });
        assertDeadLettered(s, "photometric");
    }

    @Test
    void aNativeDecoderCrashCostsOnlyThatInstance() throws Exception {
        SampleStudies.Sample s =
                SampleStudies.write(tmp.resolve("crash"), seed++).get(0);
        java.nio.file.Files.copy(
                CrashInputs.jpeg2000WithColumnsOne(s.file(), tmp.resolve("crash-j2k.dcm")),
                s.file(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Dcmtk.Result sent =
                Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of("-xv"), List.of(s.file()));
        assertThat(sent.ok())
                .as("accepted, then dead-lettered: " + sent.output())
                .isTrue();
        DeadLetter dl = deadLetterFor(s);
        assertThat(dl.reason()).startsWith("decoder-crashed:").containsPattern("killed by signal \\d+");
        assertThat(Path.of(dl.payloadRef())).exists().startsWith(node.spool().quarantineDir());
        // The service carries on: the next instance needing the native decoder goes through a replacement worker.
        SampleStudies.Sample next =
                SampleStudies.write(tmp.resolve("after-crash"), seed++).get(0);
        Path jls = SampleTranscoder.transcode(
                next.file(), SampleTranscoder.Syntax.JPEG_LS, tmp.resolve("after-crash-jls"));
        Dcmtk.Result r = Dcmtk.storescu(TestNodes.ROUTER, TestNodes.AE, node.port(), List.of("-xt"), List.of(jls));
        assertThat(r.ok()).as(r.output()).isTrue();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> events.poll().stream()
                        .anyMatch(e -> e.topic().startsWith("cxr.studies")
                                && new String(e.value()).contains(next.sopInstanceUid())));
        assertThat(find(next)).isEmpty();
        await().atMost(Duration.ofSeconds(90)).until(() -> node.decoders().live() == 2);
        assertThat(node.decoders().ready()).isTrue();
    }

    @Test
    void missingPixelDataIsDeadLettered() throws Exception {
        SampleStudies.Sample s = broken("nopixels", l -> l.remove(TagFromName.PixelData));
        assertDeadLettered(s, "no-pixel-data");
    }

    @Test
    void truncatedFilesGetAPreciseOutcomeAndNothingCrashes() throws Exception {
        // Truncated inside Pixel Data: the header reads, the pixels do not.
        SampleStudies.Sample s =
                SampleStudies.write(tmp.resolve("trunc"), seed++).get(0);
        byte[] bytes = Files.readAllBytes(s.file());
        Path part = node.spool().incomingDir().resolve("trunc.part");
        Files.write(part, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        StoreOutcome outcome = node.pipeline()
                .store(new StoreRequest(
                        part,
                        null,
                        s.sopInstanceUid(),
                        TransferSyntax.ExplicitVRLittleEndian,
                        TestNodes.ROUTER,
                        null,
                        Instant.now()));
        assertThat(outcome.success()).isTrue();
        assertThat(deadLetterFor(s).reason()).startsWith("no-pixel-data:").contains("truncated");

        // Truncated inside the header: refused as not understood.
        Path part2 = node.spool().incomingDir().resolve("trunc2.part");
        Files.write(part2, java.util.Arrays.copyOf(bytes, 400));
        StoreOutcome refused = node.pipeline()
                .store(new StoreRequest(
                        part2,
                        null,
                        "1.2.3",
                        TransferSyntax.ExplicitVRLittleEndian,
                        TestNodes.ROUTER,
                        null,
                        Instant.now()));
        assertThat(refused.status()).isIn(DicomStatus.CANNOT_UNDERSTAND, DicomStatus.DATASET_DOES_NOT_MATCH_SOP_CLASS);
        // nothing kept of the refused one; the accepted one leaves the spool once its dead letter is acknowledged
        await().atMost(Duration.ofSeconds(20)).until(() -> node.spool().pendingCount() == 0);

        // And the node still serves.
        assertThat(Dcmtk.echoscu(TestNodes.ROUTER, TestNodes.AE, node.port()).ok())
                .isTrue();
    }

    @Test
    void nonImageInstanceIsDeadLettered() throws Exception {
        SampleStudies.Sample s = broken("sr", l -> {
            l.remove(TagFromName.PixelData);
            for (var tag : List.of(
                    TagFromName.Rows,
                    TagFromName.Columns,
                    TagFromName.BitsAllocated,
                    TagFromName.BitsStored,
                    TagFromName.HighBit,
                    TagFromName.PixelRepresentation,
                    TagFromName.SamplesPerPixel,
                    TagFromName.PhotometricInterpretation)) {
                l.remove(tag);
            }
            String sr = "1.2.840.10008.5.1.4.1.1.88.11";
            l.putNewAttribute(TagFromName.SOPClassUID).addValue(sr);
            l.remove(TagFromName.MediaStorageSOPClassUID);
            com.pixelmed.dicom.FileMetaInformation.addFileMetaInformation(
                    l, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        });
        assertThat(Attribute.getSingleStringValueOrNull(readHeader(s.file()), TagFromName.SOPClassUID))
                .endsWith("88.11");
        assertDeadLettered(s, "non-image");
    }

    static AttributeList readHeader(Path f) throws Exception {
        AttributeList l = new AttributeList();
        l.read(f.toFile(), TagFromName.PixelData);
        return l;
    }
}

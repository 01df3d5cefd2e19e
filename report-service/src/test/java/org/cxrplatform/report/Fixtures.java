package org.cxrplatform.report;

import static io.restassured.RestAssured.given;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cxrplatform.contracts.Event;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.Timings;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.samples.SampleStudies;

/** Test data and plain-client helpers: events, a Kafka producer, dev tokens. */
public final class Fixtures {

    public static final ModelIdentity MODEL =
            new ModelIdentity("ECOFRI/CXR-LLAVA-v2", "ab12cd34ef56ab12cd34ef56", "p1", "greedy");
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    private static KafkaProducer<String, byte[]> producer;

    private Fixtures() {}

    public static String uid() {
        return "2.25." + Math.abs(UUID.randomUUID().getMostSignificantBits()) + SEQ.incrementAndGet();
    }

    public static ReportEvent report(String accession, Patient patient, Lane lane, String text, ModelIdentity model) {
        String study = uid();
        String sop = uid();
        Map<Finding, FindingState> findings = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            findings.put(f, FindingState.NOT_MENTIONED);
        }
        findings.put(Finding.PLEURAL_EFFUSION, FindingState.PRESENT);
        findings.put(Finding.PNEUMOTHORAX, FindingState.ABSENT);
        Instant now = Instant.now();
        return new ReportEvent(
                ReportEvent.SCHEMA_VERSION,
                ReportEvent.reportIdOf(study, sop, model),
                study,
                sop,
                accession,
                lane,
                null,
                text,
                findings,
                model,
                new Timings(now.minusSeconds(5), now.minusSeconds(3), now, 2000, 300, 200, 1500, 60, 1),
                patient,
                source(accession));
    }

    /** What ingest reads from a DX image of an HL7-ordered study (placer number, LOINC procedure). */
    public static SourceStudy source(String accession) {
        return new SourceStudy(
                uid(),
                "1.2.840.10008.5.1.4.1.1.1.1",
                LocalDate.of(2026, 11, 28),
                "101500",
                "S" + SEQ.get(),
                "REFERRER^ROSA",
                accession == null ? null : "PL-" + accession,
                new SourceStudy.Procedure("36643-5", "LN", "XR Chest 2V"),
                "HL7");
    }

    public static ReportEvent report(String accession) {
        return report(accession, null, Lane.ROUTINE, "Small left pleural effusion.\nNo pneumothorax.", MODEL);
    }

    /**
     * A devstack sample image moved into {@code study} with this patient (in ISO_IR 100, as many modalities write),
     * for a test's PACS to hold the source study of a report.
     */
    public static Path image(Path dir, String study, String patientId, String patientName) throws Exception {
        SampleStudies.Sample sample = SampleStudies.writeFrontalChest(dir, SampleStudies.DEFAULT_SEED);
        AttributeList list = new AttributeList();
        list.read(sample.file().toFile());
        SpecificCharacterSet latin1 = new SpecificCharacterSet(new String[] {"ISO_IR 100"});
        list.putNewAttribute(TagFromName.StudyInstanceUID).addValue(study);
        list.putNewAttribute(TagFromName.SeriesInstanceUID).addValue(uid());
        list.putNewAttribute(TagFromName.SOPInstanceUID).addValue(uid());
        list.putNewAttribute(TagFromName.PatientID, latin1).addValue(patientId);
        list.putNewAttribute(TagFromName.PatientName, latin1).addValue(patientName);
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "MODALITY");
        Path file = dir.resolve(patientId + ".dcm");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return file;
    }

    public static Patient patient(String id) {
        return new Patient(id, "HOSP", "DOE^JANE", LocalDate.of(1960, 1, 2), "F");
    }

    public static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Devstack.kafkaBootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** An event as its producer would publish it, with CloudEvents headers. */
    public static void publish(String topic, Event event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.key(), EventJson.write(event));
        EventHeaders.write(record.headers(), event, null, "/cxr/test", EventHeaders.newTraceparent());
        send(record);
    }

    /** Bytes that are not an event, without headers: a producer that is not ours. */
    public static void publish(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    private static void send(ProducerRecord<String, byte[]> record) {
        try {
            producer().send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + record.topic(), e);
        }
    }

    public static void publish(ReportEvent event) {
        publish(Topics.REPORTS, event);
    }

    /** A bearer token from the dev issuer, cached per user+roles. */
    public static String token(String user, String... roles) {
        return TOKENS.computeIfAbsent(
                user + List.of(roles),
                k -> given().contentType(ContentType.JSON)
                        .body(Map.of("user", user, "roles", List.of(roles)))
                        .post("/auth/dev-token")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("token"));
    }

    public static String radiologist() {
        return token("dr.house", "radiologist");
    }

    public static String admin() {
        return token("ops", "admin");
    }

    public static String viewer() {
        return token("student", "viewer");
    }
}

package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.e2e.harness.Platform;
import org.cxrplatform.e2e.harness.PlatformExtension;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.cxrplatform.e2e.harness.TopicReader;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Http;
import org.cxrplatform.testsupport.TestTokens;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform's doors: the DICOM SCP admits only known AE titles, the report APIs only valid
 * tokens with the right role, and no patient identity travels on Kafka by default. Runs last: the
 * PHI scan reads every record the whole suite produced.
 */
@Order(4)
@ExtendWith(PlatformExtension.class)
class SecurityTest {

    @Test
    void scpRefusesUnknownCallingAndCalledAeTitles(Platform p) {
        Dcmtk.Result known = Dcmtk.echoscu(p.options().callingAe(), p.aeTitle(), p.dicomPort());
        assertThat(known.exitCode()).as(known.output()).isZero();

        Dcmtk.Result wrongCaller = Dcmtk.echoscu("WRONG", p.aeTitle(), p.dicomPort());
        assertThat(wrongCaller.exitCode()).as(wrongCaller.output()).isNotZero();
        assertThat(wrongCaller.output()).containsIgnoringCase("Association Rejected");

        Dcmtk.Result wrongCalled = Dcmtk.echoscu(p.options().callingAe(), "NOT_CXR_AI", p.dicomPort());
        assertThat(wrongCalled.exitCode()).as(wrongCalled.output()).isNotZero();
        assertThat(wrongCalled.output()).containsIgnoringCase("Association Rejected");
        assertThat(p.ingest().ready()).isTrue();
    }

    @Test
    void reportApisRefuseMissingWrongAndUnderprivilegedTokens(Platform p) throws Exception {
        List<String> paths = List.of(
                "/api/reports",
                "/api/reports/00000000000000000000000000000000",
                "/fhir/DiagnosticReport?identifier=x",
                "/api/alerts",
                "/api/quality/acceptance",
                "/api/outbox",
                "/api/audit");
        String forged = TestTokens.withNewKey("cxr-report-dev").token("mallory", "admin");
        for (String path : paths) {
            assertThat(p.api().get(path, null).status())
                    .as("no token: %s", path)
                    .isEqualTo(401);
            assertThat(p.api().get(path, "not-a-jwt").status())
                    .as("garbage token: %s", path)
                    .isEqualTo(401);
            assertThat(p.api().get(path, forged).status())
                    .as("token signed by another key: %s", path)
                    .isEqualTo(401);
        }
        String viewer = p.api().viewerToken();
        assertThat(p.api().get("/api/reports", viewer).status()).isEqualTo(200);
        assertThat(p.api().get("/api/outbox", viewer).status())
                .as("viewer on the admin outbox")
                .isEqualTo(403);
        assertThat(p.api().get("/api/audit", viewer).status())
                .as("viewer on the audit log")
                .isEqualTo(403);
        Http.Response accept = Http.send(
                "POST",
                p.report().url("/api/reports/00000000000000000000000000000000/accept"),
                "application/json",
                new byte[0],
                Map.of("Authorization", "Bearer " + viewer));
        assertThat(accept.status()).as("viewer accepting a report").isEqualTo(403);
        assertThat(p.api().get("/api/outbox", p.api().adminToken()).status()).isEqualTo(200);
    }

    /** The PHI the suite sent: the devstack sample patients and every generated E2E patient. */
    static final Pattern GENERATED_NAMES = Pattern.compile("E2E[A-Z]\\^PATIENT\\d+");

    static Set<String> samplePhi(StudyFactory factory) {
        Set<String> phi = new LinkedHashSet<>();
        for (SampleStudies.Sample s : factory.samples()) {
            try {
                com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
                list.read(s.file().toFile());
                String name = com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
                        list, com.pixelmed.dicom.TagFromName.PatientName);
                String id = com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
                        list, com.pixelmed.dicom.TagFromName.PatientID);
                String birth = com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
                        list, com.pixelmed.dicom.TagFromName.PatientBirthDate);
                phi.add(name);
                String[] parts = name.split("\\^");
                phi.add(parts[0] + "^" + parts[1]);
                phi.add(parts[1] + " " + parts[0]);
                phi.add(id);
                phi.add(birth);
                phi.add(birth.substring(0, 4) + "-" + birth.substring(4, 6) + "-" + birth.substring(6));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return phi;
    }

    static List<String> scan(List<TopicReader.Rec> records, Set<String> phi) {
        List<String> hits = new ArrayList<>();
        for (TopicReader.Rec r : records) {
            StringBuilder all = new StringBuilder(r.valueText())
                    .append('\n')
                    .append(r.key())
                    .append('\n');
            r.headers().values().forEach(v -> all.append(v).append('\n'));
            String text = all.toString();
            for (String s : phi) {
                if (text.contains(s)) {
                    hits.add(r.topic() + "@" + r.partition() + ":" + r.offset() + " contains " + s);
                }
            }
            var m = GENERATED_NAMES.matcher(text);
            if (m.find()) {
                hits.add(r.topic() + "@" + r.partition() + ":" + r.offset() + " contains " + m.group());
            }
        }
        return hits;
    }

    @Test
    void noPatientIdentityOnAnyKafkaTopicByDefault(Platform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("phi"), "S");
        Set<String> phi = samplePhi(factory);

        // The scanner must see PHI where there is some: a canary record on a scratch topic.
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(
                Map.of("bootstrap.servers", p.kafka().bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(
                            new org.apache.kafka.clients.producer.ProducerRecord<>(
                                    "e2e.phi-canary",
                                    "k",
                                    "{\"patient\":{\"name\":\"SAMPLE^JANE^A\",\"birthDate\":\"1956-03-12\",\"id\":\"E2EX^PATIENT7\"}}"))
                    .get();
        }
        List<String> canary = scan(TopicReader.readAll(p.kafka().bootstrapServers(), List.of("e2e.phi-canary")), phi);
        assertThat(canary).as("the scanner finds planted PHI").hasSizeGreaterThanOrEqualTo(3);

        List<String> topics;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", p.kafka().bootstrapServers()))) {
            topics = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith("cxr."))
                    .sorted()
                    .toList();
        }
        List<TopicReader.Rec> records = TopicReader.readAll(p.kafka().bootstrapServers(), topics);
        System.out.println("PHI scan: " + records.size() + " records in " + TopicReader.countByTopic(records)
                + ", looking for " + phi.size() + " sample values and " + GENERATED_NAMES.pattern());
        assertThat(records)
                .as("the suite produced study and report events to scan")
                .isNotEmpty();
        assertThat(TopicReader.countByTopic(records)).containsKeys("cxr.reports");
        assertThat(scan(records, phi)).as("records carrying patient identity").isEmpty();
    }
}

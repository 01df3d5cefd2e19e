package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.Stage;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.KafkaTestResource;
import org.cxrplatform.devstack.PostgresTestResource;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka → PostgreSQL → outbox → a real MLLP listener, through NACKs, timeouts and an outage.
 * The resources declared here apply to every @QuarkusTest of the module (one application start).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(
        value = PostgresTestResource.class,
        initArgs = @ResourceArg(name = "database", value = "report_service_test"))
@QuarkusTestResource(ReportServiceResources.class)
class StoreAndRisTest {

    static RisPeer ris;

    @Inject
    AgroalDataSource dataSource;
    /** The outbox destination of the first RIS, the one this class takes down and scripts. */
    static String risA() {
        return "&destination=RIS:127.0.0.1:" + Integer.getInteger(ReportServiceResources.RIS_PORT);
    }

    @BeforeAll
    static void startRis() {
        HookServer.shared();
        ris = ReportServiceResources.ris();
    }

    @AfterAll
    static void leaveRisRunning() {
        ris.start();
        ris.clear();
    }

    @BeforeEach
    void quiet() {
        ris.start();
        awaitOutboxIdle();
        ris.clear();
    }

    static void awaitOutboxIdle() {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().auth()
                        .oauth2(Fixtures.admin())
                        .get("/api/outbox?status=PENDING&kind=HL7" + risA())
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("$")
                        .isEmpty());
    }

    static Map<String, Object> awaitReport(String reportId) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().auth()
                                .oauth2(Fixtures.viewer())
                                .get("/api/reports/" + reportId)
                                .statusCode()
                        == 200);
        return given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/reports/" + reportId)
                .then()
                .extract()
                .jsonPath()
                .getMap("$");
    }

    @Test
    void draftIsStoredWithFindingsTimingsAndModelAndReachesTheRisAsPreliminary() {
        ReportEvent event =
                Fixtures.report("ACC-" + UUID.randomUUID().toString().substring(0, 8));
        Fixtures.publish(event);
        Map<String, Object> stored = awaitReport(event.reportId());
        assertThat(stored)
                .containsEntry("status", "DRAFT")
                .containsEntry("lane", "ROUTINE")
                .containsEntry("triagePriority", 3)
                .containsEntry("modelVersion", Fixtures.MODEL.version())
                .containsEntry("text", event.text());
        assertThat((Map<String, Object>) stored.get("findings"))
                .containsEntry("PLEURAL_EFFUSION", "PRESENT")
                .containsEntry("PNEUMOTHORAX", "ABSENT")
                .hasSize(7);
        assertThat((Map<String, Object>) stored.get("timings")).containsEntry("decodeMs", 1500);

        await().atMost(Duration.ofSeconds(15)).until(() -> !ris.accepted().isEmpty());
        RisPeer.Oru r = ris.accepted().get(0);
        assertThat(r.accession()).isEqualTo(event.accessionNumber());
        assertThat(r.resultStatus()).isEqualTo("P");
        assertThat(r.patientId())
                .as("no PHI: PID-3 is the accession number, typed ACSN")
                .isEqualTo(event.accessionNumber());
        assertThat(r.text()).isEqualTo(event.text());
        assertThat(r.placerOrder()).isEqualTo(event.source().placerOrderNumber());
        assertThat(r.findingNames())
                .hasSize(7)
                .containsEntry("Pleural effusion", "Present")
                .containsEntry("Pneumothorax", "Absent")
                .containsEntry("Atelectasis", "Not mentioned in report");
        assertThat(r.encoded())
                .startsWith("MSH|^~\\&|CXR_AI|CXR_PLATFORM|RIS|HOSPITAL|")
                .contains("|ORU^R01^ORU_R01|")
                .contains("|2.5.1")
                .contains(
                        "OBX|1|TX|18782-3^Radiology Study observation (narrative)^LN|1|Small left pleural effusion.|");
        // the second configured RIS gets the same message (same MSH-10)
        await().atMost(Duration.ofSeconds(15))
                .until(() -> ReportServiceResources.secondRis().accepted().stream()
                        .anyMatch(m -> m.accession().equals(event.accessionNumber())));
        assertThat(ReportServiceResources.secondRis().accepted())
                .filteredOn(m -> m.accession().equals(event.accessionNumber()))
                .extracting(RisPeer.Oru::controlId)
                .containsExactly(r.controlId());
    }

    @Test
    void redeliveredEventChangesNothing() {
        ReportEvent event =
                Fixtures.report("ACC-R" + UUID.randomUUID().toString().substring(0, 6));
        Fixtures.publish(event);
        awaitReport(event.reportId());
        awaitOutboxIdle();
        // the same event again, twice, and once with a different text (a re-run with sampling): first write wins
        Fixtures.publish(event);
        Fixtures.publish(event);
        ReportEvent rerun = new ReportEvent(
                event.schemaVersion(),
                event.reportId(),
                event.studyInstanceUid(),
                event.sopInstanceUid(),
                event.accessionNumber(),
                event.lane(),
                event.triagePriority(),
                "Different text.",
                event.findings(),
                event.model(),
                event.timings(),
                event.patient(),
                event.source());
        Fixtures.publish(rerun);
        // a marker event published after them on the same partition (same key) proves they were consumed
        ReportEvent marker = Fixtures.report(event.accessionNumber(), null, Lane.ROUTINE, "marker", Fixtures.MODEL);
        marker = new ReportEvent(
                marker.schemaVersion(),
                ReportEvent.reportIdOf(event.studyInstanceUid(), "9.9", otherModel()),
                event.studyInstanceUid(),
                "9.9",
                event.accessionNumber(),
                Lane.ROUTINE,
                null,
                "marker",
                marker.findings(),
                otherModel(),
                null,
                null,
                null);
        Fixtures.publish(marker);
        awaitReport(marker.reportId());

        List<Map<String, Object>> sameStudy = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/reports?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("findAll { it.studyInstanceUid == '" + event.studyInstanceUid() + "' }");
        assertThat(sameStudy).hasSize(2); // one per model version
        Map<String, Object> original = awaitReport(event.reportId());
        assertThat(original).containsEntry("text", event.text());
        List<Object> history = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/reports/" + event.reportId() + "/history")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(history).hasSize(1);
        awaitOutboxIdle();
        List<String> hl7ForAccession = given()
                .auth()
                .oauth2(Fixtures.admin())
                .get("/api/outbox?kind=HL7&limit=1000" + risA())
                .then()
                .extract()
                .jsonPath()
                .getList("findAll { it.summary.contains('" + event.reportId() + "') }.id", Object.class)
                .stream()
                .map(String::valueOf)
                .toList();
        assertThat(hl7ForAccession).hasSize(1);
        assertThat(ris.accepted())
                .filteredOn(r -> r.accession().equals(event.accessionNumber()))
                .hasSize(2); // original + marker
    }

    static org.cxrplatform.contracts.ModelIdentity otherModel() {
        return new org.cxrplatform.contracts.ModelIdentity("ECOFRI/CXR-LLAVA-v2", "ffffeeeeddddcccc", "p2", "greedy");
    }

    @Test
    void everyMessageArrivesExactlyOnceInOrderPerPatientThroughNacksTimeoutsAndAnOutage() {
        ris.stop(); // the RIS is down for a while
        String p1 = "PAT-" + UUID.randomUUID().toString().substring(0, 6);
        String p2 = "PAT-" + UUID.randomUUID().toString().substring(0, 6);
        List<ReportEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(Fixtures.report(
                    "A" + p1 + i, Fixtures.patient(p1), Lane.STAT, "Study " + i + " of " + p1 + ".", Fixtures.MODEL));
            events.add(Fixtures.report(
                    "A" + p2 + i,
                    Fixtures.patient(p2),
                    Lane.ROUTINE,
                    "Study " + i + " of " + p2 + ".",
                    Fixtures.MODEL));
        }
        events.forEach(Fixtures::publish);
        events.forEach(e -> awaitReport(e.reportId()));
        // decisions while the RIS is still down: P, then F (accept) and C (edit) queue behind it
        ReportEvent first = events.get(0);
        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/reports/" + first.reportId() + "/accept")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(Fixtures.radiologist())
                .contentType(ContentType.JSON)
                .body(Map.of("text", "Study 0 corrected.\nSmall right pneumothorax."))
                .post("/api/reports/" + first.reportId() + "/edit")
                .then()
                .statusCode(200);

        // only the head of each patient's line is tried (connection refused); the others wait behind it untouched
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().auth()
                                .oauth2(Fixtures.admin())
                                .get("/api/outbox?status=PENDING&kind=HL7" + risA())
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("findAll { it.attempts > 0 }")
                                .size()
                        == 2);
        List<Map<String, Object>> pending = given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/outbox?status=PENDING&kind=HL7" + risA())
                .then()
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(pending).hasSize(8);
        assertThat(pending)
                .filteredOn(e -> (Integer) e.get("attempts") > 0)
                .hasSize(2)
                .allSatisfy(e -> assertThat((String) e.get("lastError")).contains("onnect"));

        ris.script(RisPeer.Reply.AE, RisPeer.Reply.TIMEOUT, RisPeer.Reply.AR, RisPeer.Reply.AE);
        ris.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> ris.accepted().size() >= 8);
        awaitOutboxIdle();

        List<RisPeer.Oru> got = ris.accepted();
        assertThat(got).hasSize(8);
        assertThat(got.stream().map(RisPeer.Oru::controlId).distinct().count()).isEqualTo(8);
        assertThat(ris.arrivals().size()).isGreaterThanOrEqualTo(12); // the four scripted failures were retried
        // per patient, messages arrive in the order they were queued (control ids come from one sequence)
        for (String p : List.of(p1, p2)) {
            List<Long> seq = got.stream()
                    .filter(r -> r.patientId().equals(p))
                    .map(r -> Long.parseLong(r.controlId().substring(3)))
                    .toList();
            assertThat(seq).isSorted();
        }
        List<String> firstStatuses = got.stream()
                .filter(r -> r.accession().equals(first.accessionNumber()))
                .map(RisPeer.Oru::resultStatus)
                .collect(Collectors.toList());
        assertThat(firstStatuses).containsExactly("P", "F", "C");
        assertThat(got.stream()
                        .filter(r -> r.accession().equals(first.accessionNumber())
                                && r.resultStatus().equals("C"))
                        .findFirst()
                        .orElseThrow()
                        .text())
                .isEqualTo("Study 0 corrected.\nSmall right pneumothorax.");
    }

    @Test
    void aMessageThatKeepsFailingIsParkedVisibleAndCanBeResent() {
        int maxAttempts = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("cxr.report.outbox.max-attempts", Integer.class);
        for (int i = 0; i < maxAttempts; i++) {
            ris.script(i % 3 == 2 ? RisPeer.Reply.AR : RisPeer.Reply.AE);
        }
        ReportEvent event =
                Fixtures.report("ACC-PARK" + UUID.randomUUID().toString().substring(0, 4));
        Fixtures.publish(event);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !given().auth()
                        .oauth2(Fixtures.admin())
                        .get("/api/outbox?status=PARKED&kind=HL7" + risA())
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("findAll { it.summary.contains('" + event.reportId() + "') }")
                        .isEmpty());
        Map<String, Object> parked = given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/outbox?status=PARKED&kind=HL7" + risA())
                .then()
                .extract()
                .jsonPath()
                .getMap("find { it.summary.contains('" + event.reportId() + "') }");
        assertThat(parked).containsEntry("attempts", maxAttempts);
        assertThat((String) parked.get("lastError")).contains("AE");
        assertThat(ris.accepted()).isEmpty();

        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/outbox/" + parked.get("id") + "/resend")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(Fixtures.admin())
                .post("/api/outbox/" + parked.get("id") + "/resend")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> ris.accepted().size() == 1);
        assertThat(ris.accepted().get(0).accession()).isEqualTo(event.accessionNumber());
        List<String> audited = given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/audit?targetType=outbox&targetId=" + parked.get("id"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("action", String.class);
        assertThat(audited).as("audit actions on the parked entry").contains("RESEND");
    }

    @Test
    void aDatabaseOutageIsWaitedOutWithoutLosingOrDeadLetteringTheReport() {
        ReportEvent before =
                Fixtures.report("ACC-DB0" + UUID.randomUUID().toString().substring(0, 4));
        Fixtures.publish(before);
        awaitReport(before.reportId());
        Devstack.postgres().stop();
        ReportEvent during =
                Fixtures.report("ACC-DB1" + UUID.randomUUID().toString().substring(0, 4));
        try {
            Fixtures.publish(during);
            given().auth().oauth2(Fixtures.viewer()).get("/api/reports").then().statusCode(500);
            await().pollDelay(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> true);
        } finally {
            Devstack.postgres().start();
        }
        Map<String, Object> stored = awaitReport(during.reportId());
        assertThat(stored).containsEntry("status", "DRAFT");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ris.accepted().stream().anyMatch(r -> r.accession().equals(during.accessionNumber())));
        given().get("/q/health/ready").then().statusCode(200);
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("cxr_ris_outbox_pending").contains("cxr_outbox_delivered_total");
    }

    @Test
    void invalidPayloadsGoToTheDeadLetterTopicWithTheOriginalBytes() {
        String key = "bad-" + UUID.randomUUID();
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        Fixtures.publish("cxr.reports", key, garbage);
        String key2 = "bad-" + UUID.randomUUID();
        byte[] noText = ("{\"schemaVersion\":2,\"reportId\":\"x\",\"studyInstanceUid\":\"1.2\",\"lane\":\"STAT\","
                        + "\"model\":{\"modelId\":\"m\"}}")
                .getBytes(StandardCharsets.UTF_8);
        Fixtures.publish("cxr.reports", key2, noText);

        List<DeadLetter> letters = deadLetters(
                l -> key.equals(l.originalKey()) || key2.equals(l.originalKey()),
                found -> found.size() == 2,
                Duration.ofSeconds(30),
                Duration.ZERO);
        assertThat(letters).allSatisfy(l -> {
            assertThat(l.stage()).isEqualTo(Stage.REPORT);
            assertThat(l.originalTopic()).isEqualTo("cxr.reports");
        });
        DeadLetter bad = letters.stream()
                .filter(l -> key.equals(l.originalKey()))
                .findFirst()
                .orElseThrow();
        assertThat(Base64.getDecoder().decode(bad.originalPayload())).isEqualTo(garbage);
        assertThat(bad.reason()).contains("ReportEvent");
        assertThat(letters.stream()
                        .filter(l -> key2.equals(l.originalKey()))
                        .findFirst()
                        .orElseThrow()
                        .reason())
                .contains("text");
    }

    /**
     * The bounds come from the design, not from a run. The 301 reports reach the broker as one record
     * batch, which a fetch never splits, and 301 is below {@code max.poll.records} (500): one poll holds
     * them all. A poll's STAT reports are committed in their own transaction before its routine ones
     * (asserted below by the rows' {@code xmin}), so in storing order the STAT report is first. The
     * outbox cannot see a routine entry of this backlog before the STAT commit, and it sends urgent line
     * heads first in every read of the heads, so at the RIS too the STAT ORU is the first of the backlog.
     */
    @Test
    void aStatReportPublishedBehindARoutineBacklogIsStoredAndDeliveredFirst() throws Exception {
        String tag = "BL" + UUID.randomUUID().toString().substring(0, 6);
        int routine = 300;
        List<ReportEvent> events = new ArrayList<>();
        for (int i = 0; i < routine; i++) {
            events.add(Fixtures.report(
                    tag + "-R" + i,
                    Fixtures.patient(tag + "-P" + (i % 60)),
                    Lane.ROUTINE,
                    "Small left pleural effusion.\nNo pneumothorax.",
                    Fixtures.MODEL));
        }
        ReportEvent stat = Fixtures.report(
                tag + "-STAT", Fixtures.patient(tag + "-PS"), Lane.STAT, "Large right pneumothorax.", Fixtures.MODEL);
        events.add(stat);
        // In one go, as a backlog: one partition, one compressed record batch, so it lands on the broker
        // atomically and report-service's next poll sees all of it, the STAT report as its last record.
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Devstack.kafkaBootstrap());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "10000");
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, "900000");
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        long t0;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            List<ProducerRecord<String, byte[]>> records = events.stream()
                    .map(e -> new ProducerRecord<>("cxr.reports", 0, e.studyInstanceUid(), EventJson.write(e)))
                    .toList();
            t0 = System.nanoTime();
            records.forEach(producer::send);
            producer.flush();
        }
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> storedInOrder(tag).size() == routine + 1);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<String> stored = storedInOrder(tag);
        int statRank = stored.indexOf(stat.accessionNumber());
        System.out.printf(
                "BENCHMARK report-service batch store: %d reports stored in %.2f s (%.0f reports/s, one poll);"
                        + " STAT report stored at position %d of %d%n",
                routine + 1, seconds, (routine + 1) / seconds, statRank + 1, routine + 1);
        assertThat(statRank).as("position of the STAT report in storing order").isZero();
        // the STAT report is committed on its own, before the routine rows of its poll: the outbox sender
        // cannot see an entry before its commit, so sharing their transaction made STAT wait for all of them
        Map<String, Long> xmin = insertTransactions(tag);
        long statTx = xmin.remove(stat.accessionNumber());
        assertThat(xmin.values())
                .as("transactions that stored the routine reports")
                .doesNotContain(statTx)
                .allMatch(tx -> tx > statTx);

        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ris.accepted().stream()
                                .filter(r -> r.accession().startsWith(tag + "-"))
                                .count()
                        == routine + 1);
        List<String> delivered = ris.accepted().stream()
                .map(RisPeer.Oru::accession)
                .filter(a -> a.startsWith(tag + "-"))
                .toList();
        assertThat(delivered.indexOf(stat.accessionNumber()))
                .as("position of the STAT ORU^R01 at the RIS")
                .isZero();
        // one P per report, each exactly once
        assertThat(delivered).doesNotHaveDuplicates().hasSize(routine + 1);
        // let the SR (PACS, STOW) and FHIR copies of this backlog drain, so the next tests do not queue behind them
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> pendingOf(tag) == 0);
    }

    @Test
    void aReportThatCannotBeStoredIsDeadLetteredAloneWhileTheRestOfItsBatchIsStored() throws Exception {
        String tag = "PB" + UUID.randomUUID().toString().substring(0, 6);
        List<ReportEvent> good = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            good.add(Fixtures.report(tag + "-" + i));
        }
        // valid JSON and a valid event, but PostgreSQL's jsonb refuses U+0000 in the patient name: the insert fails
        ReportEvent poison = Fixtures.report(
                tag + "-X",
                new org.cxrplatform.contracts.Patient("P\0X", "HOSP", "DOE\0JANE", null, "F"),
                Lane.ROUTINE,
                "No acute findings.",
                Fixtures.MODEL);
        for (int i = 0; i < good.size(); i++) {
            if (i == 10) {
                Fixtures.producer()
                        .send(new ProducerRecord<>("cxr.reports", poison.studyInstanceUid(), EventJson.write(poison)));
            }
            Fixtures.producer()
                    .send(new ProducerRecord<>(
                            "cxr.reports", good.get(i).studyInstanceUid(), EventJson.write(good.get(i))));
        }
        Fixtures.producer().flush();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> storedInOrder(tag).size() == good.size());

        // a second of settling: a poison record dead-lettered twice would show up as a second letter
        List<DeadLetter> letters = deadLetters(
                l -> l.originalPayload() != null
                        && new String(Base64.getDecoder().decode(l.originalPayload()), StandardCharsets.UTF_8)
                                .contains(tag),
                found -> !found.isEmpty(),
                Duration.ofSeconds(60),
                Duration.ofSeconds(1));
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.reason()).startsWith("cannot store report");
            assertThat(l.studyInstanceUid()).isEqualTo(poison.studyInstanceUid());
            assertThat(l.attempts()).isEqualTo(5);
        });
        assertThat(storedInOrder(tag)).hasSize(good.size()).doesNotContain(poison.accessionNumber());
    }

    /** Dead letters on {@code cxr.dlq} that {@code match}, read from the start until {@code done} holds, then for {@code settle} more. */
    static List<DeadLetter> deadLetters(
            Predicate<DeadLetter> match, Predicate<List<DeadLetter>> done, Duration timeout, Duration settle) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Devstack.kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-check-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("cxr.dlq"));
            Consumer<ConsumerRecords<String, byte[]>> keep = records -> records.forEach(r -> {
                DeadLetter l = EventJson.read(r.value(), DeadLetter.class);
                if (match.test(l)) {
                    letters.add(l);
                }
            });
            await().atMost(timeout).until(() -> {
                keep.accept(consumer.poll(Duration.ofMillis(500)));
                return done.test(letters);
            });
            if (!settle.isZero()) {
                keep.accept(consumer.poll(settle));
            }
        }
        return letters;
    }

    long pendingOf(String tag) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM outbox o"
                                + " JOIN report r ON r.id = o.report_pk WHERE o.status = 'PENDING' AND r.accession_number LIKE ?")) {
            ps.setString(1, tag + "-%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Accession numbers with this prefix in the order the reports were inserted. */
    /** accession → id of the transaction that inserted its report (PostgreSQL's xmin; reports here are never updated). */
    Map<String, Long> insertTransactions(String tag) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT accession_number, xmin::text::bigint FROM report WHERE accession_number LIKE ?")) {
            ps.setString(1, tag + "-%");
            Map<String, Long> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        }
    }

    List<String> storedInOrder(String tag) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT accession_number FROM report WHERE accession_number LIKE ? ORDER BY id")) {
            ps.setString(1, tag + "-%");
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}

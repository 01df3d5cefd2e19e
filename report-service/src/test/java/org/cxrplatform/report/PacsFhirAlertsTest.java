package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cxrplatform.contracts.CriticalAlert;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Orthanc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SR into a real Orthanc, FHIR read and push, critical alerts to a webhook (signature verified) with acknowledgement. */
@QuarkusTest
class PacsFhirAlertsTest {

    static HttpServer hooks;
    static final List<String> alertCalls = new CopyOnWriteArrayList<>();
    static final List<Instant> alertCallTimes = new CopyOnWriteArrayList<>();
    static final List<String> fhirPuts = new CopyOnWriteArrayList<>();
    static final AtomicInteger failNextAlerts = new AtomicInteger(1);
    static final AtomicInteger unsignedAlerts = new AtomicInteger();

    /**
     * What a receiver does with {@code X-Cxr-Signature: t=<unix seconds>,v1=<hex>} (README, "Alert
     * webhook signature"): refuse a timestamp more than 5 minutes away from its clock (a replay), then
     * compare HMAC-SHA256(secret, "<t>." + body) in constant time. Written from the documented scheme,
     * not with the service's code.
     */
    static boolean signedWithTheSharedSecret(String header, byte[] body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        String t = header.substring(2, header.indexOf(','));
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(
                    ReportServiceResources.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            byte[] expected = mac.doFinal(body);
            return MessageDigest.isEqual(
                    expected, HexFormat.of().parseHex(header.substring(header.indexOf(",v1=") + 4)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void startHooks() throws Exception {
        ReportServiceResources.ris();
        HookServer.stopShared(); // this class answers the webhook and FHIR calls itself
        hooks = HttpServer.create(
                new InetSocketAddress("127.0.0.1", Integer.getInteger(ReportServiceResources.WEBHOOK_PORT)), 0);
        hooks.createContext("/hook", ex -> {
            byte[] bytes = ex.getRequestBody().readAllBytes();
            String body = new String(bytes, StandardCharsets.UTF_8);
            if (!signedWithTheSharedSecret(ex.getRequestHeaders().getFirst("X-Cxr-Signature"), bytes)) {
                unsignedAlerts.incrementAndGet();
                ex.sendResponseHeaders(401, -1);
                ex.close();
                return;
            }
            int status = failNextAlerts.getAndDecrement() > 0 ? 503 : 200;
            if (status == 200) {
                alertCalls.add(body);
                alertCallTimes.add(Instant.now());
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        hooks.createContext("/fhir", ex -> {
            fhirPuts.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hooks.start();
    }

    @AfterAll
    static void stopHooks() {
        hooks.stop(0);
        HookServer.shared();
    }

    @Test
    void srOfDraftAndSignedReportLandsInOrthancInTheOriginalStudy() throws Exception {
        ReportEvent event = Fixtures.report(
                "SR-" + UUID.randomUUID().toString().substring(0, 8),
                Fixtures.patient("PSR1"),
                Lane.STAT,
                "Small left pleural effusion.\nNo pneumothorax.",
                Fixtures.MODEL);
        Fixtures.publish(event);
        ReviewAndSecurityTest.awaitStored(event);
        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/reports/" + event.reportId() + "/accept")
                .then()
                .statusCode(200);

        Orthanc pacs = ReportServiceResources.pacs();
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            found[0] = pacs.instancesOfStudy(event.studyInstanceUid());
            return found[0].size() == 2
                    && given().auth()
                                    .oauth2(Fixtures.admin())
                                    .get("/api/outbox?kind=DICOM_SR&destination=PACS&status=DELIVERED&limit=1000")
                                    .then()
                                    .extract()
                                    .jsonPath()
                                    .getList("findAll { it.summary.contains('" + event.reportId() + "') }")
                                    .size()
                            == 2;
        });
        List<String> sopUids = given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/outbox?kind=DICOM_SR&destination=PACS&status=DELIVERED&limit=1000")
                .then()
                .extract()
                .jsonPath()
                .getList("findAll { it.summary.contains('" + event.reportId() + "') }.messageId");
        assertThat(sopUids).hasSize(2);
        for (JsonNode instance : found[0]) {
            assertThat(sopUids)
                    .contains(
                            instance.get("MainDicomTags").get("SOPInstanceUID").asText());
        }
        // the SR's tags as Orthanc stored them
        String id = found[0].get(0).get("ID").asText();
        JsonNode t = pacs.getJson("/instances/" + id + "/simplified-tags");
        assertThat(t.get("Modality").asText()).isEqualTo("SR");
        assertThat(t.get("SOPClassUID").asText()).isEqualTo("1.2.840.10008.5.1.4.1.1.88.33");
        assertThat(t.get("PatientID").asText()).isEqualTo("PSR1");
        assertThat(t.get("AccessionNumber").asText()).isEqualTo(event.accessionNumber());
        // the signed version names the draft as its predecessor
        String signedId = null;
        for (JsonNode instance : found[0]) {
            JsonNode it = pacs.getJson("/instances/" + instance.get("ID").asText() + "/simplified-tags");
            if ("VERIFIED".equals(it.path("VerificationFlag").asText())) {
                assertThat(it.get("PredecessorDocumentsSequence").toString()).contains(sopUids.get(0));
                signedId = instance.get("ID").asText();
            }
        }
        assertThat(signedId).isNotNull();
    }

    /**
     * Without PHI in the event the SR waits in the outbox until the PACS holds its study (each attempt a C-FIND,
     * none stores it), then carries the patient the PACS names and lands in that study.
     */
    @Test
    void srWithoutPhiWaitsForItsStudyAtThePacsThenCarriesThePacsPatient() throws Exception {
        ReportEvent event =
                Fixtures.report("SRNP-" + UUID.randomUUID().toString().substring(0, 8));
        Fixtures.publish(event);
        Orthanc pacs = ReportServiceResources.pacs();
        // stored (its SR queued), then, max-attempts 10 at 100-400 ms apart in the tests, parked: nothing stored
        // meanwhile. Generous: the first test of a fresh application waits for its Kafka consumer group.
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            Map<String, Object> entry = pacsEntry(event.reportId());
            return entry != null && "PARKED".equals(entry.get("status"));
        });
        Map<String, Object> parked = pacsEntry(event.reportId());
        assertThat((String) parked.get("lastError"))
                .contains("holds no study " + event.studyInstanceUid())
                .contains("waits");
        assertThat(pacs.instancesOfStudy(event.studyInstanceUid())).isEmpty();

        // the modality's copy reaches the PACS; an administrator resends the parked SR
        Path image = Fixtures.image(
                Files.createTempDirectory("cxr-sr-source-"), event.studyInstanceUid(), "PACS-7", "PACS^PATIENT");
        assertThat(Dcmtk.storescu("MODALITY", pacs.aeTitle(), pacs.dicomPort(), List.of(image))
                        .allStored(1))
                .isTrue();
        given().auth()
                .oauth2(Fixtures.admin())
                .post("/api/outbox/" + parked.get("id") + "/resend")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "DELIVERED".equals(pacsEntry(event.reportId()).get("status")));
        assertThat((String) pacsEntry(event.reportId()).get("lastError"))
                .as("the delivery note")
                .contains("patient from the PACS");
        JsonNode studies = pacs.postJson(
                "/tools/find",
                "{\"Level\":\"Study\",\"Expand\":true,\"Query\":{\"StudyInstanceUID\":\"" + event.studyInstanceUid()
                        + "\"}}");
        assertThat(studies).as("the image and the SR in one study").hasSize(1);
        assertThat(studies.get(0).path("Series")).hasSize(2);
        for (JsonNode instance : pacs.instancesOfStudy(event.studyInstanceUid())) {
            JsonNode tags = pacs.getJson("/instances/" + instance.get("ID").asText() + "/simplified-tags");
            assertThat(tags.path("PatientID").asText()).isEqualTo("PACS-7");
        }
    }

    static Map<String, Object> pacsEntry(String reportId) {
        return given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/outbox?kind=DICOM_SR&destination=PACS&limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("find { it.summary.contains('" + reportId + "') }");
    }

    @Test
    void fhirDiagnosticReportWithOneObservationPerFindingIsReadableAndPushed() throws Exception {
        ReportEvent event = Fixtures.report(
                "FHIR-" + UUID.randomUUID().toString().substring(0, 8),
                Fixtures.patient("PF1"),
                Lane.ROUTINE,
                "Small left pleural effusion.\nNo pneumothorax.",
                Fixtures.MODEL);
        Fixtures.publish(event);
        ReviewAndSecurityTest.awaitStored(event);

        String json = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/fhir/DiagnosticReport/" + event.reportId())
                .then()
                .statusCode(200)
                .contentType("application/fhir+json")
                .extract()
                .asString();
        JsonNode dr = EventJson.mapper().readTree(json);
        assertThat(dr.get("resourceType").asText()).isEqualTo("DiagnosticReport");
        assertThat(dr.get("status").asText()).isEqualTo("preliminary");
        assertThat(dr.get("contained")).hasSize(8); // seven findings and the model (Device)
        assertThat(dr.get("result")).hasSize(7);
        assertThat(dr.get("conclusion").asText()).isEqualTo(event.text());
        JsonNode effusion = null;
        for (JsonNode o : dr.get("contained")) {
            if (o.path("code").path("coding").path(0).path("code").asText().equals("60046008")) {
                effusion = o;
            }
        }
        assertThat(effusion).isNotNull();
        assertThat(effusion.get("valueCodeableConcept")
                        .get("coding")
                        .get(0)
                        .get("code")
                        .asText())
                .isEqualTo("52101004");

        for (String q : List.of(
                "_id=" + event.reportId(),
                "identifier=urn:cxrplatform:accession|" + event.accessionNumber(),
                "identifier=" + event.accessionNumber(),
                "subject=Patient/PF1")) {
            JsonNode bundle = EventJson.mapper()
                    .readTree(given().auth()
                            .oauth2(Fixtures.viewer())
                            .get("/fhir/DiagnosticReport?" + q)
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString());
            assertThat(bundle.get("type").asText()).as(q).isEqualTo("searchset");
            assertThat(bundle.get("entry").findValuesAsText("id")).as(q).contains(event.reportId());
        }
        given().auth()
                .oauth2(Fixtures.viewer())
                .get("/fhir/DiagnosticReport/nope")
                .then()
                .statusCode(404);

        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/reports/" + event.reportId() + "/accept")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> fhirPuts.stream()
                                .filter(p -> p.startsWith("PUT /fhir/DiagnosticReport/" + event.reportId()))
                                .count()
                        == 2);
        assertThat(fhirPuts.stream()
                        .filter(p -> p.contains(event.reportId()))
                        .reduce((a, b) -> b)
                        .orElseThrow())
                .contains("\"status\":\"final\"");
    }

    @Test
    void criticalAlertReachesTheWebhookOnceWithinSecondsAndIsAcknowledged() throws Exception {
        ReportEvent report = Fixtures.report(
                "ALERT-" + UUID.randomUUID().toString().substring(0, 8),
                null,
                Lane.STAT,
                "Large right pneumothorax.",
                Fixtures.MODEL);
        CriticalAlert alert = new CriticalAlert(
                CriticalAlert.SCHEMA_VERSION,
                CriticalAlert.alertIdOf(report.reportId(), Finding.PNEUMOTHORAX),
                report.reportId(),
                report.studyInstanceUid(),
                report.accessionNumber(),
                Lane.STAT,
                Finding.PNEUMOTHORAX,
                FindingState.PRESENT,
                "Large right pneumothorax.",
                Fixtures.MODEL,
                Instant.now());
        alertCalls.clear();
        failNextAlerts.set(1); // the first call fails: retried
        Instant sent = Instant.now();
        Fixtures.publish("cxr.alerts", alert);
        Fixtures.publish("cxr.alerts", alert); // re-delivery
        await().atMost(Duration.ofSeconds(15)).until(() -> !alertCalls.isEmpty());
        long latencyMs = Duration.between(sent, alertCallTimes.get(0)).toMillis();
        System.out.printf("critical alert webhook latency (one failed attempt, then success): %d ms%n", latencyMs);
        assertThat(latencyMs).isLessThan(10_000);
        Thread.sleep(2500);
        assertThat(alertCalls).hasSize(1);
        assertThat(unsignedAlerts).as("alerts without a valid X-Cxr-Signature").hasValue(0);
        assertThat(EventJson.read(alertCalls.get(0).getBytes(StandardCharsets.UTF_8), CriticalAlert.class)
                        .alertId())
                .isEqualTo(alert.alertId());

        List<Map<String, Object>> open = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/alerts?acknowledged=false")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(open).extracting(a -> a.get("alertId")).contains(alert.alertId());

        // the report of an alerted study goes to the top of the worklist, ahead of priority-1 reports
        Fixtures.publish(report);
        ReviewAndSecurityTest.awaitStored(report);
        String first = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/reports?status=DRAFT&limit=1000")
                .then()
                .extract()
                .jsonPath()
                .getString("[0].id");
        assertThat(first).isEqualTo(report.reportId());

        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/alerts/" + alert.alertId() + "/acknowledge")
                .then()
                .statusCode(200)
                .body("acknowledgedBy", org.hamcrest.Matchers.equalTo("dr.house"));
        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/alerts/" + alert.alertId() + "/acknowledge")
                .then()
                .statusCode(409);
        assertThat(given().auth()
                        .oauth2(Fixtures.viewer())
                        .get("/api/alerts?acknowledged=false")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("alertId", String.class))
                .doesNotContain(alert.alertId());
    }
}

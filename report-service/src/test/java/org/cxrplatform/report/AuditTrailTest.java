package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.testsupport.Rsyslog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every read and change of a report reaches the real rsyslog collector (TLS) as a DICOM audit
 * message, and the local audit table: a worklist list read, a FHIR read, a signature and the
 * export of the signed report to the RIS.
 */
@QuarkusTest
class AuditTrailTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String OBJECT = "/AuditMessage/ParticipantObjectIdentification";

    @BeforeAll
    static void peers() {
        HookServer.shared();
        ReportServiceResources.ris();
    }

    private static Rsyslog collector() {
        return ReportServiceResources.collector();
    }

    private static String objectId(Rsyslog.Message m, String idTypeCode, String id) {
        return m.xpath(OBJECT + "[ParticipantObjectIDTypeCode/@csd-code='" + idTypeCode + "'][@ParticipantObjectID='"
                + id + "']/@ParticipantObjectID");
    }

    @Test
    void listReadFhirReadSignAndExportReachTheCollectorAndTheLocalTable() {
        String patientId = "PAT-AUD-" + UUID.randomUUID();
        ReportEvent e = Fixtures.report(
                "AUD-" + UUID.randomUUID(),
                Fixtures.patient(patientId),
                Lane.STAT,
                "No acute findings.",
                Fixtures.MODEL);
        Fixtures.publish(e);
        // the first test of a run may wait for the consumer group's first assignment on a loaded machine
        await().atMost(Duration.ofSeconds(180))
                .until(() -> given().auth()
                                .oauth2(Fixtures.viewer())
                                .get("/api/reports/" + e.reportId())
                                .statusCode()
                        == 200);

        // a list read: every report it returned, with the query, the reader and where the request came from
        List<String> listed = given().auth()
                .oauth2(Fixtures.viewer())
                .queryParam("status", "DRAFT")
                .queryParam("lane", "STAT")
                .queryParam("limit", 1000)
                .get("/api/reports")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
        assertThat(listed).contains(e.reportId());
        Rsyslog.Message list = collector()
                .await(
                        m -> m.isAuditEvent("110110")
                                && m.xpath(OBJECT + "[@ParticipantObjectTypeCodeRole='24']/@ParticipantObjectID")
                                        .equals("GET /api/reports")
                                && !objectId(m, "9", e.reportId()).isEmpty(),
                        WAIT);
        assertThat(list.msgId()).isEqualTo("DICOM+RFC3881");
        assertThat(list.input()).isEqualTo("tls");
        assertThat(list.appName()).isEqualTo("cxr-report-service");
        assertThat(list.xpath("/AuditMessage/EventIdentification/@EventActionCode"))
                .isEqualTo("R");
        assertThat(list.xpath("/AuditMessage/EventIdentification/@EventOutcomeIndicator"))
                .isEqualTo("0");
        assertThat(list.xpath("/AuditMessage/ActiveParticipant/@UserIsRequestor"))
                .isEqualTo("true");
        assertThat(list.xpath("/AuditMessage/ActiveParticipant/@NetworkAccessPointID"))
                .isEqualTo("127.0.0.1");
        assertThat(list.xpath("/AuditMessage/ActiveParticipant/@UserID")).isEqualTo("student");
        assertThat(list.text())
                .contains("<ParticipantObjectQuery>"
                        + Base64.getEncoder()
                                .encodeToString("status=DRAFT&lane=STAT&priority=null&limit=1000"
                                        .getBytes(StandardCharsets.UTF_8))
                        + "</ParticipantObjectQuery>");
        assertThat(objectId(list, "110180", e.studyInstanceUid())).isEqualTo(e.studyInstanceUid());
        assertThat(objectId(list, "2", patientId)).isEqualTo(patientId);
        assertThat(list.xpath(OBJECT + "[@ParticipantObjectID='" + patientId + "']/ParticipantObjectName"))
                .isEqualTo("DOE^JANE");

        // a FHIR read
        given().auth()
                .oauth2(Fixtures.viewer())
                .get("/fhir/DiagnosticReport/" + e.reportId())
                .then()
                .statusCode(200);
        collector()
                .await(
                        m -> m.isAuditEvent("110110")
                                && m.xpath(OBJECT + "/@ParticipantObjectID").equals(e.reportId())
                                && m.xpath("count(" + OBJECT + "[@ParticipantObjectTypeCodeRole='24'])")
                                        .equals("0"),
                        WAIT);

        // a signature: an update of the patient record by the radiologist, typed SIGN
        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/reports/" + e.reportId() + "/accept")
                .then()
                .statusCode(200);
        Rsyslog.Message sign = collector()
                .await(
                        m -> m.isAuditEvent("110110")
                                && m.xpath("/AuditMessage/EventIdentification/@EventActionCode")
                                        .equals("U")
                                && !objectId(m, "9", e.reportId()).isEmpty(),
                        WAIT);
        assertThat(sign.xpath("/AuditMessage/EventIdentification/EventTypeCode/@csd-code"))
                .isEqualTo("SIGN");
        assertThat(sign.xpath("/AuditMessage/ActiveParticipant/@UserID")).isEqualTo("dr.house");
        assertThat(objectId(sign, "110180", e.studyInstanceUid())).isEqualTo(e.studyInstanceUid());

        // the signed report's delivery to the RIS: an export, this service the requestor, the RIS the destination
        Rsyslog.Message export = collector()
                .await(
                        m -> m.isAuditEvent("110106")
                                && !objectId(m, "9", e.reportId()).isEmpty()
                                && m.text().contains("110152"),
                        WAIT);
        assertThat(export.xpath("/AuditMessage/EventIdentification/@EventOutcomeIndicator"))
                .isEqualTo("0");
        assertThat(export.xpath("/AuditMessage/ActiveParticipant[RoleIDCode/@csd-code='110153']/@UserIsRequestor"))
                .isEqualTo("true");
        assertThat(export.xpath("/AuditMessage/ActiveParticipant[RoleIDCode/@csd-code='110152']/@UserID"))
                .isNotBlank();

        // the same events in the local table
        List<Map<String, String>> rows = given().auth()
                .oauth2(Fixtures.admin())
                .queryParam("targetType", "report")
                .queryParam("targetId", e.reportId())
                .get("/api/audit")
                .then()
                .statusCode(200)
                .extract()
                .path("");
        assertThat(rows)
                .extracting(r -> r.get("actor") + " " + r.get("action") + " " + r.get("detail"))
                .contains("student VIEW GET /api/reports", "student VIEW FHIR", "dr.house SIGN accepted as written")
                .anyMatch(r -> r.contains(" EXPORT "));
    }
}

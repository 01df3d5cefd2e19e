package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.Test;

/**
 * Defects the end-to-end suite found: NUL in REST input (was a 500 from PostgreSQL), NUL in a
 * generated report (was dead-lettered), non-ASCII text at the RIS (was '?').
 */
@QuarkusTest
class InputSafetyTest {

    @Test
    void nulOrOverlongInputIsAClientErrorNeverA500() {
        String viewer = Fixtures.viewer();
        for (String path : List.of(
                "/api/reports/%00",
                "/api/reports/%00/history",
                "/fhir/DiagnosticReport/%00",
                "/fhir/DiagnosticReport?_id=%00",
                "/fhir/DiagnosticReport?identifier=%00",
                "/fhir/DiagnosticReport?subject=a%00b",
                "/api/alerts/%00/acknowledge",
                "/api/audit?targetId=%00",
                "/api/reports/abc%01def")) {
            int status = given().urlEncodingEnabled(false)
                    .auth()
                    .oauth2(viewer)
                    .get(path)
                    .statusCode();
            assertThat(status).as(path).isEqualTo(400);
        }
        String longId = "a".repeat(1000); // over 512; beyond ~4 KB Vert.x itself answers 414
        assertThat(given().auth()
                        .oauth2(viewer)
                        .get("/fhir/DiagnosticReport?identifier=" + longId)
                        .statusCode())
                .isEqualTo(400);
        assertThat(given().auth().oauth2(viewer).get("/api/reports/" + longId).statusCode())
                .isEqualTo(400);
        // not a report id (32 hex digits): 404 without asking the database
        for (String id : List.of("not-a-report", "ABCDEF0123456789ABCDEF0123456789", "0123")) {
            assertThat(given().auth().oauth2(viewer).get("/api/reports/" + id).statusCode())
                    .as(id)
                    .isEqualTo(404);
            assertThat(given().auth()
                            .oauth2(viewer)
                            .get("/api/reports/" + id + "/history")
                            .statusCode())
                    .as(id)
                    .isEqualTo(404);
            assertThat(given().auth()
                            .oauth2(viewer)
                            .get("/fhir/DiagnosticReport/" + id)
                            .statusCode())
                    .as(id)
                    .isEqualTo(404);
        }
        assertThat(given().auth()
                        .oauth2(viewer)
                        .get("/fhir/DiagnosticReport?_id=nothing")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getInt("total"))
                .isZero();
    }

    @Test
    void nulInEditTextOrOverlongReasonIsA400AndChangesNothing() {
        ReportEvent event =
                Fixtures.report("ACC-N" + UUID.randomUUID().toString().substring(0, 6));
        Fixtures.publish(event);
        StoreAndRisTest.awaitReport(event.reportId());
        String rad = Fixtures.radiologist();
        given().auth()
                .oauth2(rad)
                .contentType(ContentType.JSON)
                .body(Map.of("text", "No effusion.\u0000"))
                .post("/api/reports/" + event.reportId() + "/edit")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(rad)
                .contentType(ContentType.JSON)
                .body(Map.of("text", "x".repeat(100_001)))
                .post("/api/reports/" + event.reportId() + "/edit")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(rad)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "r".repeat(2_001)))
                .post("/api/reports/" + event.reportId() + "/reject")
                .then()
                .statusCode(400);
        assertThat(StoreAndRisTest.awaitReport(event.reportId()))
                .containsEntry("status", "DRAFT")
                .containsEntry("text", event.text());
    }

    @Test
    void nulAndOtherControlsAreStrippedAndNonAsciiReachesTheRisExactly() {
        RisPeer ris = ReportServiceResources.ris();
        String generated =
                "Heart size 12\u00b0 wider.\u0000 Nodule 5 \u00b5m \uFFFD\u0007 left.\tTab kept.\r\nSmall left pleural effusion.";
        String stored =
                "Heart size 12\u00b0 wider. Nodule 5 \u00b5m \uFFFD left.\tTab kept.\r\nSmall left pleural effusion.";
        ReportEvent event = Fixtures.report(
                "ACC-U" + UUID.randomUUID().toString().substring(0, 6), null, Lane.ROUTINE, generated, Fixtures.MODEL);
        Fixtures.publish(event);
        Map<String, Object> report = StoreAndRisTest.awaitReport(event.reportId());
        assertThat(report)
                .containsEntry("status", "DRAFT")
                .containsEntry("text", stored)
                .containsEntry("aiText", stored);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ris.accepted().stream()
                        .anyMatch(m -> event.accessionNumber().equals(m.accession())));
        RisPeer.Oru oru = ris.accepted().stream()
                .filter(m -> event.accessionNumber().equals(m.accession()))
                .findFirst()
                .orElseThrow();
        assertThat(oru.encoded()).contains("|UNICODE UTF-8");
        // the TX OBX lines, one per text line, joined with '\n' by the listener
        assertThat(oru.text()).isEqualTo(stored.replace("\r\n", "\n")).contains("\u00b5", "\u00b0", "\uFFFD");
    }
}

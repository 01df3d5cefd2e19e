package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

/** The review API: roles, transitions, findings re-extraction, acceptance rate, audit log. */
@QuarkusTest
class ReviewAndSecurityTest {

    @Inject
    AgroalDataSource dataSource;

    @org.junit.jupiter.api.BeforeAll
    static void peers() {
        HookServer.shared();
        ReportServiceResources.ris();
    }

    static void awaitStored(ReportEvent e) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().auth()
                                .oauth2(Fixtures.viewer())
                                .get("/api/reports/" + e.reportId())
                                .statusCode()
                        == 200);
    }

    @Test
    void unauthenticatedCallsGet401AndWrongRolesGet403() {
        for (String path : List.of(
                "/api/reports",
                "/api/quality/acceptance",
                "/api/alerts",
                "/api/outbox",
                "/api/audit",
                "/fhir/DiagnosticReport?_id=x")) {
            given().get(path).then().statusCode(401);
        }
        given().post("/api/reports/x/accept").then().statusCode(401);
        given().auth().oauth2("not.a.token").get("/api/reports").then().statusCode(401);
        // a well-formed token signed by someone else's key
        String forged = TestTokens.withNewKey("cxr-report-dev").token("mallory", "admin");
        given().auth().oauth2(forged).get("/api/reports").then().statusCode(401);

        given().auth().oauth2(Fixtures.viewer()).get("/api/reports").then().statusCode(200);
        given().auth()
                .oauth2(Fixtures.viewer())
                .post("/api/reports/x/accept")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(Fixtures.viewer())
                .contentType(ContentType.JSON)
                .body(Map.of("text", "x"))
                .post("/api/reports/x/edit")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(Fixtures.viewer())
                .post("/api/alerts/x/acknowledge")
                .then()
                .statusCode(403);
        given().auth().oauth2(Fixtures.radiologist()).get("/api/outbox").then().statusCode(403);
        given().auth().oauth2(Fixtures.radiologist()).get("/api/audit").then().statusCode(403);
        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/reports/does-not-exist/accept")
                .then()
                .statusCode(404);
        given().contentType(ContentType.JSON)
                .body(Map.of("user", "eve", "roles", List.of("superuser")))
                .post("/auth/dev-token")
                .then()
                .statusCode(400);
        // open endpoints
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/index.html").then().statusCode(200);
    }

    @Test
    void acceptEditRejectDriveStatusHistoryAuditAndTheAcceptanceRate() {
        ModelIdentity model = new ModelIdentity(
                "ECOFRI/CXR-LLAVA-v2", UUID.randomUUID().toString().replace("-", ""), "quality", "greedy");
        ReportEvent a = Fixtures.report("Q-A-" + UUID.randomUUID(), null, Lane.ROUTINE, "No acute findings.", model);
        ReportEvent b = Fixtures.report("Q-B-" + UUID.randomUUID(), null, Lane.ROUTINE, "No acute findings.", model);
        ReportEvent c = Fixtures.report("Q-C-" + UUID.randomUUID(), null, Lane.ROUTINE, "No acute findings.", model);
        ReportEvent d = Fixtures.report("Q-D-" + UUID.randomUUID(), null, Lane.ROUTINE, "No acute findings.", model);
        for (ReportEvent e : List.of(a, b, c, d)) {
            Fixtures.publish(e);
        }
        for (ReportEvent e : List.of(a, b, c, d)) {
            awaitStored(e);
        }
        String dr = Fixtures.radiologist();
        given().auth()
                .oauth2(dr)
                .post("/api/reports/" + a.reportId() + "/accept")
                .then()
                .statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("ACCEPTED"))
                .body("reviewedBy", org.hamcrest.Matchers.equalTo("dr.house"));
        given().auth()
                .oauth2(dr)
                .post("/api/reports/" + a.reportId() + "/accept")
                .then()
                .statusCode(409);
        given().auth()
                .oauth2(dr)
                .contentType(ContentType.JSON)
                .body(Map.of())
                .post("/api/reports/" + a.reportId() + "/reject")
                .then()
                .statusCode(409);

        Map<String, Object> edited = given().auth()
                .oauth2(dr)
                .contentType(ContentType.JSON)
                .body(Map.of("text", "Large right pneumothorax. No pleural effusion."))
                .post("/api/reports/" + b.reportId() + "/edit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        assertThat(edited).containsEntry("status", "EDITED").containsEntry("aiText", "No acute findings.");
        assertThat((Map<String, Object>) edited.get("findings"))
                .containsEntry("PNEUMOTHORAX", "PRESENT")
                .containsEntry("PLEURAL_EFFUSION", "ABSENT");
        given().auth()
                .oauth2(dr)
                .contentType(ContentType.JSON)
                .body(Map.of("text", " "))
                .post("/api/reports/" + c.reportId() + "/edit")
                .then()
                .statusCode(400);

        given().auth()
                .oauth2(dr)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "wrong side"))
                .post("/api/reports/" + c.reportId() + "/reject")
                .then()
                .statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("REJECTED"));

        Map<String, Object> rate = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/quality/acceptance")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("find { it.modelVersion == '" + model.version() + "' }");
        assertThat(rate)
                .containsEntry("accepted", 1)
                .containsEntry("edited", 1)
                .containsEntry("rejected", 1)
                .containsEntry("pending", 1);
        assertThat(((Number) rate.get("acceptanceRate")).doubleValue())
                .isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-6));

        List<Map<String, Object>> history = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/reports/" + c.reportId() + "/history")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(history).extracting(h -> h.get("to")).containsExactly("DRAFT", "REJECTED");
        assertThat(history.get(1)).containsEntry("actor", "dr.house").containsEntry("note", "rejected: wrong side");

        List<String> actions = given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/audit?targetType=report&targetId=" + a.reportId())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("action");
        assertThat(actions).contains("SIGN", "VIEW");
        assertThat(given().auth()
                        .oauth2(Fixtures.admin())
                        .get("/api/audit?targetType=report&targetId=" + b.reportId())
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("action", String.class))
                .contains("EDIT");
        assertThat(given().auth()
                        .oauth2(Fixtures.admin())
                        .get("/api/audit?targetType=report&targetId=" + c.reportId())
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("actor", String.class))
                .contains("dr.house");
    }

    @Test
    void auditLogAndStatusHistoryRefuseUpdateAndDelete() throws SQLException {
        given().auth().oauth2(Fixtures.viewer()).get("/api/reports").then().statusCode(200);
        Fixtures.token(
                "auditor-" + UUID.randomUUID().toString().substring(0, 8), "viewer"); // writes an ISSUE_DEV_TOKEN entry
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE audit_log SET actor = 'nobody'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM audit_log")).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("TRUNCATE audit_log")).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM report_status_history"))
                    .hasMessageContaining("append-only");
        }
    }

    @Test
    void worklistPutsStatAndCriticalFirst() {
        String tag = "W" + UUID.randomUUID().toString().substring(0, 6);
        ReportEvent routine =
                Fixtures.report(tag + "-routine", null, Lane.ROUTINE, "No acute findings.", Fixtures.MODEL);
        ReportEvent stat = Fixtures.report(tag + "-stat", null, Lane.STAT, "No acute findings.", Fixtures.MODEL);
        ReportEvent e =
                Fixtures.report(tag + "-critical", null, Lane.ROUTINE, "Large left pneumothorax.", Fixtures.MODEL);
        ReportEvent critical = new ReportEvent(
                e.schemaVersion(),
                e.reportId(),
                e.studyInstanceUid(),
                e.sopInstanceUid(),
                e.accessionNumber(),
                e.lane(),
                1,
                e.text(),
                e.findings(),
                e.model(),
                e.timings(),
                e.patient(),
                e.source());
        for (ReportEvent r : List.of(routine, stat, critical)) {
            Fixtures.publish(r);
        }
        for (ReportEvent r : List.of(routine, stat, critical)) {
            awaitStored(r);
        }
        List<String> order = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/reports?status=DRAFT&limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("findAll { it.accessionNumber != null && it.accessionNumber.startsWith('" + tag
                        + "') }.accessionNumber");
        assertThat(order).containsExactly(tag + "-critical", tag + "-stat", tag + "-routine");
        assertThat(given().auth()
                        .oauth2(Fixtures.viewer())
                        .get("/api/reports?lane=STAT&priority=3&limit=1000")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("accessionNumber", String.class))
                .contains(tag + "-stat")
                .doesNotContain(tag + "-routine", tag + "-critical");
    }
}

package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.quality.QualityMetrics;
import org.cxrplatform.report.quality.QualityService;
import org.junit.jupiter.api.Test;

/**
 * Live quality on the real database: six drafts of a fresh model version, two accepted, two edited
 * with other findings, one rejected (decided "last week"), one pending → figures known by hand.
 */
@QuarkusTest
class QualityTest {

    @Inject
    QualityMetrics metrics;

    @Inject
    AgroalDataSource dataSource;

    static ReportEvent draft(ModelIdentity model, String text, Finding... present) {
        ReportEvent e =
                Fixtures.report("QF-" + UUID.randomUUID().toString().substring(0, 8), null, Lane.ROUTINE, text, model);
        Map<Finding, FindingState> f = new EnumMap<>(Finding.class);
        for (Finding x : Finding.values()) {
            f.put(x, FindingState.NOT_MENTIONED);
        }
        for (Finding x : present) {
            f.put(x, FindingState.PRESENT);
        }
        f.put(
                Finding.CONSOLIDATION,
                FindingState.UNCERTAIN); // uncertain counts as negative: must not create false positives
        return new ReportEvent(
                e.schemaVersion(),
                e.reportId(),
                e.studyInstanceUid(),
                e.sopInstanceUid(),
                e.accessionNumber(),
                e.lane(),
                null,
                e.text(),
                f,
                e.model(),
                e.timings(),
                e.patient(),
                e.source());
    }

    @Test
    void acceptanceAndF1PerModelVersionAndWeekFromRealDecisions() throws Exception {
        ModelIdentity model = new ModelIdentity(
                "ECOFRI/CXR-LLAVA-v2", UUID.randomUUID().toString().replace("-", ""), "live-q", "greedy");
        ReportEvent r1 = draft(
                model, "Cardiomegaly. Small left pleural effusion.", Finding.PLEURAL_EFFUSION, Finding.CARDIOMEGALY);
        ReportEvent r2 = draft(
                model,
                "Small left pleural effusion. Right lower lobe pneumonia.",
                Finding.PLEURAL_EFFUSION,
                Finding.PNEUMONIA);
        ReportEvent r3 = draft(
                model, "Cardiomegaly. Small left pleural effusion.", Finding.PLEURAL_EFFUSION, Finding.CARDIOMEGALY);
        ReportEvent r4 = draft(model, "Small left pleural effusion.", Finding.PLEURAL_EFFUSION);
        ReportEvent r5 = draft(model, "Small left pleural effusion.", Finding.PLEURAL_EFFUSION);
        ReportEvent r6 = draft(model, "Small left pleural effusion.", Finding.PLEURAL_EFFUSION);
        List<ReportEvent> all = List.of(r1, r2, r3, r4, r5, r6);
        all.forEach(Fixtures::publish);
        all.forEach(r -> StoreAndRisTest.awaitReport(r.reportId()));

        String dr = Fixtures.radiologist();
        given().auth()
                .oauth2(dr)
                .post("/api/reports/" + r1.reportId() + "/accept")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(dr)
                .post("/api/reports/" + r2.reportId() + "/accept")
                .then()
                .statusCode(200);
        Map<String, Object> e3 = given().auth()
                .oauth2(dr)
                .contentType(ContentType.JSON)
                .body(Map.of("text", "No pleural effusion. Cardiomegaly. Right pneumothorax."))
                .post("/api/reports/" + r3.reportId() + "/edit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("findings");
        assertThat(e3)
                .containsEntry("PLEURAL_EFFUSION", "ABSENT")
                .containsEntry("CARDIOMEGALY", "PRESENT")
                .containsEntry("PNEUMOTHORAX", "PRESENT")
                .containsEntry("ATELECTASIS", "NOT_MENTIONED")
                .containsEntry("PNEUMONIA", "NOT_MENTIONED");
        Map<String, Object> e4 = given().auth()
                .oauth2(dr)
                .contentType(ContentType.JSON)
                .body(Map.of("text", "Small left pleural effusion. Left lower lobe atelectasis."))
                .post("/api/reports/" + r4.reportId() + "/edit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("findings");
        assertThat(e4)
                .containsEntry("PLEURAL_EFFUSION", "PRESENT")
                .containsEntry("ATELECTASIS", "PRESENT")
                .containsEntry("CARDIOMEGALY", "NOT_MENTIONED")
                .containsEntry("PNEUMOTHORAX", "NOT_MENTIONED");
        given().auth()
                .oauth2(dr)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "wrong patient"))
                .post("/api/reports/" + r5.reportId() + "/reject")
                .then()
                .statusCode(200);
        // the rejection happened "eight days ago": another ISO week
        Instant lastWeek = Instant.now().minus(8, ChronoUnit.DAYS);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE report SET reviewed_at = ? WHERE report_id = ?")) {
            ps.setTimestamp(1, java.sql.Timestamp.from(lastWeek));
            ps.setString(2, r5.reportId());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        JsonPath q = given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/quality")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(q.getString("positive")).isEqualTo("PRESENT");
        assertThat(q.getString("uncertainPolicy")).contains("uncertain counts as negative");
        String m = "models.find { it.modelVersion == '" + model.version() + "' }";
        // decisions: 2 accepted, 2 edited, 1 rejected of 5; 1 pending
        assertThat(q.getInt(m + ".accepted")).isEqualTo(2);
        assertThat(q.getInt(m + ".edited")).isEqualTo(2);
        assertThat(q.getInt(m + ".rejected")).isEqualTo(1);
        assertThat(q.getInt(m + ".pending")).isEqualTo(1);
        assertThat(q.getDouble(m + ".acceptanceRate")).isCloseTo(0.4, within(1e-6));
        assertThat(q.getDouble(m + ".editRate")).isCloseTo(0.4, within(1e-6));
        assertThat(q.getDouble(m + ".rejectionRate")).isCloseTo(0.2, within(1e-6));
        assertThat(q.getInt(m + ".compared")).isEqualTo(4);
        // effusion: AI positive in r1..r4, final positive in r1, r2, r4 → TP 3, FP 1, FN 0 → F1 6/7
        assertThat(q.getInt(m + ".findings.PLEURAL_EFFUSION.truePositives")).isEqualTo(3);
        assertThat(q.getInt(m + ".findings.PLEURAL_EFFUSION.falsePositives")).isEqualTo(1);
        assertThat(q.getInt(m + ".findings.PLEURAL_EFFUSION.falseNegatives")).isZero();
        assertThat(q.getDouble(m + ".findings.PLEURAL_EFFUSION.precision")).isCloseTo(0.75, within(1e-6));
        assertThat(q.getDouble(m + ".findings.PLEURAL_EFFUSION.recall")).isCloseTo(1.0, within(1e-6));
        assertThat(q.getDouble(m + ".findings.PLEURAL_EFFUSION.f1")).isCloseTo(6.0 / 7, within(1e-6));
        // cardiomegaly: TP 2 (r1, r3) → 1; pneumonia: TP 1 (r2) → 1
        assertThat(q.getDouble(m + ".findings.CARDIOMEGALY.f1")).isCloseTo(1.0, within(1e-6));
        assertThat(q.getDouble(m + ".findings.PNEUMONIA.f1")).isCloseTo(1.0, within(1e-6));
        // pneumothorax (r3) and atelectasis (r4) missed by the AI: FN 1, F1 0, precision undefined
        assertThat(q.getInt(m + ".findings.PNEUMOTHORAX.falseNegatives")).isEqualTo(1);
        assertThat(q.getDouble(m + ".findings.PNEUMOTHORAX.f1")).isZero();
        assertThat(q.getString(m + ".findings.PNEUMOTHORAX.precision")).isNull();
        assertThat(q.getDouble(m + ".findings.ATELECTASIS.f1")).isZero();
        // consolidation uncertain in every draft, edema nowhere: undefined, left out of the macro averages
        assertThat(q.getString(m + ".findings.CONSOLIDATION.f1")).isNull();
        assertThat(q.getInt(m + ".findings.CONSOLIDATION.falsePositives")).isZero();
        assertThat(q.getString(m + ".findings.PULMONARY_EDEMA.f1")).isNull();
        // macro over the paper's six: (0 + 1 + 6/7 + 0) / 4 = 13/28; over all seven adds pneumonia: (13/7 + 1) / 5 =
        // 4/7
        assertThat(q.getDouble(m + ".macroF1PaperSix")).isCloseTo(13.0 / 28, within(1e-6));
        assertThat(q.getDouble(m + ".macroF1All")).isCloseTo(4.0 / 7, within(1e-6));

        // per week: this week has everything but the rejection, which sits in last week
        String thisWeek = QualityService.isoWeek(Instant.now());
        String oldWeek = QualityService.isoWeek(lastWeek);
        String w = "weeks.find { it.modelVersion == '" + model.version() + "' && it.week == '" + thisWeek + "' }";
        String o = "weeks.find { it.modelVersion == '" + model.version() + "' && it.week == '" + oldWeek + "' }";
        assertThat(q.getList("weeks.findAll { it.modelVersion == '" + model.version() + "' }.week", String.class))
                .containsExactlyInAnyOrder(thisWeek, oldWeek);
        assertThat(List.of(
                        q.getInt(w + ".accepted"),
                        q.getInt(w + ".edited"),
                        q.getInt(w + ".rejected"),
                        q.getInt(w + ".pending")))
                .containsExactly(2, 2, 0, 1);
        assertThat(q.getDouble(w + ".acceptanceRate")).isCloseTo(0.5, within(1e-6));
        assertThat(q.getDouble(w + ".macroF1All")).isCloseTo(4.0 / 7, within(1e-6));
        assertThat(List.of(
                        q.getInt(o + ".accepted"),
                        q.getInt(o + ".edited"),
                        q.getInt(o + ".rejected"),
                        q.getInt(o + ".pending")))
                .containsExactly(0, 0, 1, 0);
        assertThat(q.getDouble(o + ".rejectionRate")).isCloseTo(1.0, within(1e-6));
        assertThat(q.getString(o + ".macroF1All")).isNull();

        // (JsonPath reads JSON numbers as float: 1e-6 tolerance)
        // Prometheus gauges (refreshed on schedule; refreshed here to not wait for it)
        metrics.refresh();
        String prom = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String mv = "model_version=\"" + model.version() + "\"";
        assertThat(gauge(prom, "cxr_quality_acceptance_ratio", mv, "outcome=\"accepted\""))
                .isCloseTo(0.4, within(1e-6));
        assertThat(gauge(prom, "cxr_quality_acceptance_ratio", mv, "outcome=\"rejected\""))
                .isCloseTo(0.2, within(1e-6));
        assertThat(gauge(prom, "cxr_quality_decisions", mv, "outcome=\"pending\""))
                .isEqualTo(1.0);
        assertThat(gauge(prom, "cxr_quality_f1", mv, "finding=\"PLEURAL_EFFUSION\""))
                .isCloseTo(6.0 / 7, within(1e-6));
        assertThat(gauge(prom, "cxr_quality_f1", mv, "finding=\"macro_paper_six\""))
                .isCloseTo(13.0 / 28, within(1e-6));
        assertThat(gauge(prom, "cxr_quality_f1", mv, "finding=\"macro_all\"")).isCloseTo(4.0 / 7, within(1e-6));
        assertThat(gauge(prom, "cxr_quality_f1", mv, "finding=\"PULMONARY_EDEMA\""))
                .isNaN();
    }

    /** The value of the one sample of {@code name} whose labels contain all {@code labels}. */
    static double gauge(String prom, String name, String... labels) {
        return prom.lines()
                .filter(l -> l.startsWith(name + "{"))
                .filter(l -> List.of(labels).stream().allMatch(l::contains))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .map(v -> v.equals("NaN") ? Double.NaN : Double.parseDouble(v))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " " + List.of(labels) + " not in /q/metrics"));
    }
}

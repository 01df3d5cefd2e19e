package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.testsupport.Orthanc;
import org.junit.jupiter.api.Test;

/**
 * SR export by STOW-RS (issue 10 item 4) to a real Orthanc with the Debian DICOMweb plugin
 * (cxr.report.stow.url), through the outbox: while the PACS is down the entry is retried, then
 * delivered; the same SR (same SOP Instance UID) also reaches the C-STORE PACS.
 */
@QuarkusTest
class StowExportTest {

    static List<Map<String, Object>> stowEntries(String reportId) {
        return given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/outbox?kind=DICOM_SR&destination=STOW&limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("findAll { it.summary.contains('" + reportId + "') }");
    }

    @Test
    void srGoesByStowRsThroughTheOutboxWithRetriesAndOrthancHasIt() throws Exception {
        Orthanc stow = ReportServiceResources.stowPacs();
        stow.stop(Duration.ofSeconds(10));
        ReportEvent event = Fixtures.report(
                "STOW-" + UUID.randomUUID().toString().substring(0, 8),
                Fixtures.patient("PSTOW"),
                Lane.ROUTINE,
                "Small left pleural effusion.\nNo pneumothorax.",
                Fixtures.MODEL);
        try {
            Fixtures.publish(event);
            ReviewAndSecurityTest.awaitStored(event);
            // PACS down: the entry stays pending and is retried (attempts grow, reason recorded)
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<Map<String, Object>> e = stowEntries(event.reportId());
                return e.size() == 1
                        && ((Number) e.get(0).get("attempts")).intValue()
                                >= 1; // max-attempts is 10 in the tests: keep the outage short
            });
            Map<String, Object> pending = stowEntries(event.reportId()).get(0);
            assertThat(pending).containsEntry("status", "PENDING");
            assertThat((String) pending.get("lastError")).isNotBlank();
        } finally {
            stow.startAndWait(Duration.ofSeconds(60));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        "DELIVERED".equals(stowEntries(event.reportId()).get(0).get("status")));
        Map<String, Object> delivered = stowEntries(event.reportId()).get(0);
        String sopUid = (String) delivered.get("messageId");

        JsonNode found = stow.instancesOfStudy(event.studyInstanceUid());
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("MainDicomTags").get("SOPInstanceUID").asText())
                .isEqualTo(sopUid);
        JsonNode tags = stow.getJson("/instances/" + found.get(0).get("ID").asText() + "/simplified-tags");
        assertThat(tags.get("Modality").asText()).isEqualTo("SR");
        assertThat(tags.get("SOPClassUID").asText()).isEqualTo("1.2.840.10008.5.1.4.1.1.88.33");
        assertThat(tags.get("AccessionNumber").asText()).isEqualTo(event.accessionNumber());
        assertThat(tags.get("StudyInstanceUID").asText()).isEqualTo(event.studyInstanceUid());
        // and QIDO-RS on the DICOMweb root finds it too
        String qido = stow.get("/dicom-web/studies/" + event.studyInstanceUid() + "/instances")
                .body();
        assertThat(qido).contains(sopUid);

        // the signed version follows on the same line; the C-STORE PACS got the same SOP instances
        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/reports/" + event.reportId() + "/accept")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stow.instancesOfStudy(event.studyInstanceUid()).size() == 2);
        List<String> stowSops = given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/outbox?kind=DICOM_SR&destination=STOW&limit=1000")
                .then()
                .extract()
                .jsonPath()
                .getList("findAll { it.summary.contains('" + event.reportId() + "') }.messageId");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().auth()
                                .oauth2(Fixtures.admin())
                                .get("/api/outbox?kind=DICOM_SR&destination=PACS&status=DELIVERED&limit=1000")
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("findAll { it.summary.contains('" + event.reportId() + "') }.messageId")
                                .size()
                        == 2);
        List<String> pacsSops = given().auth()
                .oauth2(Fixtures.admin())
                .get("/api/outbox?kind=DICOM_SR&destination=PACS&limit=1000")
                .then()
                .extract()
                .jsonPath()
                .getList("findAll { it.summary.contains('" + event.reportId() + "') }.messageId");
        assertThat(pacsSops).containsExactlyInAnyOrderElementsOf(stowSops).hasSize(2);
    }
}

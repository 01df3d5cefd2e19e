package org.cxrplatform.ingest.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

/** The packaged wiring: config, SCP start-up, health, metrics, PHI switch. */
@QuarkusTest
@QuarkusTestResource(IngestAppResource.class)
@QuarkusTestResource(StowTokensResource.class)
class IngestApplicationTest {

    @Test
    void readyAndReceivesWithPatientIdentityWhenEnabled() throws Exception {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(containsString("dicom-scp"))
                .body(containsString("hl7-orders"));
        try (java.net.Socket mllp = new java.net.Socket("127.0.0.1", IngestAppResource.MLLP_PORT)) {
            assertThat(mllp.isConnected()).as("HL7 order listener").isTrue();
        }
        assertThat(Dcmtk.echoscu("ROUTER", "CXR_AI", IngestAppResource.DICOM_PORT)
                        .ok())
                .isTrue();
        assertThat(Dcmtk.echoscu("STRANGER", "CXR_AI", IngestAppResource.DICOM_PORT)
                        .ok())
                .isFalse();

        Path dir = Files.createTempDirectory("app-samples");
        SampleStudies.Sample pa = SampleStudies.write(dir, 31337).get(0);
        Dcmtk.Result r =
                Dcmtk.storescu("ROUTER", "CXR_AI", IngestAppResource.DICOM_PORT, List.of(), List.of(pa.file()));
        assertThat(r.ok()).as(r.output()).isTrue();
        try (EventCollector events = new EventCollector()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> events.poll().stream()
                            .anyMatch(rec -> pa.sopInstanceUid()
                                    .equals(EventJson.read(rec.value(), StudyEvent.class)
                                            .sopInstanceUid())));
            StudyEvent e = events.poll().stream()
                    .map(rec -> EventJson.read(rec.value(), StudyEvent.class))
                    .filter(ev -> pa.sopInstanceUid().equals(ev.sopInstanceUid()))
                    .findFirst()
                    .orElseThrow();
            assertThat(e.patient()).isNotNull();
            assertThat(e.patient().name()).isEqualTo("SAMPLE^JANE^A");
        }
        // counted after Kafka's acknowledgement, which the event collector may see first
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .body(containsString("cxr_ingest_instances_accepted_total"))
                        .body(containsString("cxr_ingest_associations_total"))
                        .body(containsString("cxr_ingest_publish_latency_seconds"))
                        .body(containsString("cxr_ingest_decode_time_seconds"))
                        .body(containsString("cxr_ingest_spool_bytes"))
                        .body(containsString("cxr_ingest_backlog")));
    }

    @Test
    void jobsApiValidatesAndSaysWhenNoPacsIsConfigured() {
        String admin = "Bearer " + TestTokens.local().token("ops", "admin");
        given().header("Authorization", admin)
                .contentType("application/json")
                .body("{\"from\":\"2024-02-01\",\"to\":\"2024-01-01\"}")
                .post("/jobs")
                .then()
                .statusCode(400);
        given().contentType("application/json")
                .body("{\"from\":\"2024-01-01\",\"to\":\"2024-12-31\",\"modality\":\"CR\"}")
                .header("Authorization", admin)
                .post("/jobs")
                .then()
                .statusCode(503)
                .body("error", containsString("pacs-host"));
        given().header("Authorization", admin).get("/jobs/nope").then().statusCode(404);
    }
}

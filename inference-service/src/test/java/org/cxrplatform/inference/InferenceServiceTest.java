package org.cxrplatform.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.KafkaTestResource;
import org.cxrplatform.llava.CxrLlava;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged service's wiring: default config, bundled model, real broker, platform topics. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class InferenceServiceTest {

    @BeforeAll
    static void topics() {
        Devstack.createTopics(Topics.ALL, 3);
    }

    private static void awaitReady() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void servesTheModelIdentityOnceLoaded() {
        awaitReady();
        given().get("/model")
                .then()
                .statusCode(200)
                .body("state", equalTo("LOADED"))
                .body("identity.modelId", equalTo("tiny-cxr-llava"))
                .body("identity.weightsDigest", startsWith("sha256:"))
                .body("identity.promptVersion", equalTo(CxrLlava.PROMPT_VERSION))
                .body("identity.generation", equalTo("sample(t=0.2,p=0.8,seed=0,guard=8x3)"))
                .body("engine.slots", equalTo(16))
                .body("engine.reservedSlots", equalTo(1))
                .body("info.imageTokens", equalTo(16))
                .body("device", equalTo("cpu"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aStatStudyBecomesAReportWithTheTracePropagated() throws Exception {
        awaitReady();
        StudyEvent study = TestStudies.event(TestStudies.newUid(), Lane.STAT, 11);
        ProducerRecord<String, byte[]> record = TestStudies.record(Topics.STUDIES_STAT, study);
        String traceparent =
                EventHeaders.get(record.headers(), EventHeaders.TRACEPARENT).orElseThrow();
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer();
                KafkaTestSupport.TopicReader reports = new KafkaTestSupport.TopicReader(Topics.REPORTS)) {
            KafkaTestSupport.send(producer, List.of(record));
            List<ConsumerRecord<String, byte[]>> mine = reports
                    .readUntil(
                            rs -> rs.stream()
                                    .anyMatch(r -> study.studyInstanceUid().equals(r.key())),
                            Duration.ofSeconds(60))
                    .stream()
                    .filter(r -> study.studyInstanceUid().equals(r.key()))
                    .toList();
            assertThat(mine).hasSize(1);
            ConsumerRecord<String, byte[]> r = mine.get(0);
            ReportEvent report = EventJson.read(r.value(), ReportEvent.class);
            ModelIdentity model = report.model();
            assertThat(report.reportId())
                    .isEqualTo(ReportEvent.reportIdOf(study.studyInstanceUid(), study.sopInstanceUid(), model));
            assertThat(model.promptVersion()).isEqualTo(CxrLlava.PROMPT_VERSION);
            assertThat(model.weightsDigest()).startsWith("sha256:");
            assertThat(report.lane()).isEqualTo(Lane.STAT);
            assertThat(report.accessionNumber()).isEqualTo(study.accessionNumber());
            // the study facts results are filed with travel on (derived here: the test event has no source of its own)
            assertThat(report.source().seriesInstanceUid()).isEqualTo(study.seriesInstanceUid());
            assertThat(report.findings()).containsOnlyKeys(Finding.values());
            assertThat(report.triagePriority()).isIn(1, 2);
            assertThat(report.text()).isNotBlank();
            assertThat(report.timings().batchSize()).isBetween(1, 16);
            assertThat(report.timings().generatedTokens()).isPositive();
            assertThat(report.timings().completedAt())
                    .isAfterOrEqualTo(report.timings().startedAt());
            assertThat(EventHeaders.get(r.headers(), EventHeaders.TYPE)).contains(ReportEvent.TYPE.ceType());
            assertThat(EventHeaders.get(r.headers(), EventHeaders.ID)).contains(report.reportId());
            assertThat(EventHeaders.get(r.headers(), EventHeaders.SUBJECT)).contains(study.studyInstanceUid());
            String child =
                    EventHeaders.get(r.headers(), EventHeaders.TRACEPARENT).orElseThrow();
            assertThat(child.substring(3, 35)).as("same trace id").isEqualTo(traceparent.substring(3, 35));
            assertThat(child).isNotEqualTo(traceparent);
        }
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("cxr_inference_e2e_seconds"))
                .body(containsString("cxr_reports_published_total{lane=\"stat\""))
                .body(containsString("cxr_dlq_total"))
                .body(containsString("cxr_inference_lag{lane=\"routine\""))
                .body(containsString("cxr_inference_batch_size"))
                .body(containsString("cxr_inference_oom_retries_total"))
                .body(containsString("cxr_inference_engine_slots 16.0"))
                .body(containsString("cxr_inference_engine_running"))
                .body(containsString("cxr_inference_admitted_total{lane=\"stat\""))
                .body(containsString("cxr_inference_finished_total{lane=\"stat\""))
                .body(containsString("cxr_inference_admission_wait_seconds_count{lane=\"stat\""))
                .body(containsString("cxr_inference_first_token_seconds_count{lane=\"stat\""));
    }
}

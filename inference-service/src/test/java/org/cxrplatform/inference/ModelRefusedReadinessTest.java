package org.cxrplatform.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.cxrplatform.devstack.KafkaTestResource;
import org.junit.jupiter.api.Test;

/**
 * A replica configured for a GPU but built with the CPU natives (this build) stays not ready and
 * says why in one line, in readiness and GET /model; liveness stays UP (a restart would not fix the
 * image). The checks themselves are the library's; {@code ModelRefusalsTest} covers the others.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestProfile(ModelRefusedReadinessTest.GpuOnCpuNatives.class)
class ModelRefusedReadinessTest {

    public static class GpuOnCpuNatives implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "cxr.model.device", "gpu", "cxr.model.dtype", "fp16", "cxr.inference.group-id", "refused-probe");
        }
    }

    @Test
    void readinessSaysInOneLineWhyTheModelWasRefused() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> given().get("/model")
                        .then()
                        .statusCode(200)
                        .body("state", org.hamcrest.Matchers.equalTo("FAILED")));
        String body =
                given().get("/q/health/ready").then().statusCode(503).extract().asString();
        String error = JsonPath.from(body).getString("checks.find { it.name == 'inference' }.data.error");
        assertThat(error).as(body).contains("device gpu").contains("CUDA").doesNotContain("\n");
        given().get("/q/health/live").then().statusCode(200);
    }
}

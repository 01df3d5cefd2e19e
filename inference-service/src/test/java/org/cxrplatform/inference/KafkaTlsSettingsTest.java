package org.cxrplatform.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.KafkaTestResource;
import org.cxrplatform.inference.model.ModelService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code kafka.*} client settings reach the service's Kafka clients: with
 * {@code kafka.security.protocol=SSL} against the PLAINTEXT test broker the consumers cannot
 * reach the broker, so the replica never becomes ready and readiness says why, while the model
 * loads and liveness stays UP. A service that ignored the setting would be ready over plain text
 * (as {@link InferenceServiceTest} is).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestProfile(KafkaTlsSettingsTest.SslAgainstPlaintext.class)
class KafkaTlsSettingsTest {

    public static class SslAgainstPlaintext implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kafka.security.protocol",
                    "SSL",
                    "kafka.reconnect.backoff.max.ms",
                    "1000",
                    "cxr.inference.group-id",
                    "tls-probe");
        }
    }

    @Inject
    InferenceService service;

    @Inject
    ModelService models;

    @BeforeAll
    static void topics() {
        Devstack.createTopics(Topics.ALL, 3);
    }

    @Test
    void sslAgainstAPlaintextBrokerKeepsTheReplicaNotReadyAndSaysWhy() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(models.state()).isEqualTo(ModelService.State.LOADED);
                    assertThat(service.worker()).isNotNull();
                    assertThat(service.worker().kafkaError()).isNotNull();
                });
        // keeps failing: it never gets to consume over plain text
        Awaitility.await()
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(10))
                .until(() -> !service.worker().consuming() && service.worker().kafkaError() != null);
        String body =
                given().get("/q/health/ready").then().statusCode(503).extract().asString();
        JsonPath health = JsonPath.from(body);
        assertThat(health.getString("checks.find { it.name == 'inference' }.data.model"))
                .isEqualTo("LOADED");
        assertThat(health.getString("checks.find { it.name == 'inference' }.data.kafka"))
                .as(body)
                .isNotBlank();
        assertThat(service.worker().assignedPartitions()).isEmpty();
        given().get("/q/health/live").then().statusCode(200);
    }
}

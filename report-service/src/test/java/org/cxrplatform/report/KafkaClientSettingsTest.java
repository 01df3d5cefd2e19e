package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves the {@code kafka.*} client settings (security.protocol, ssl.*, sasl.*) reach every Kafka
 * client of the service: with {@code kafka.security.protocol=SSL} against the PLAINTEXT test
 * broker nothing can connect, so readiness must go DOWN (and it is UP with the default settings,
 * see {@link StoreAndRisTest}-based runs). Runs in its own application start (test profile).
 */
@QuarkusTest
@TestProfile(KafkaClientSettingsTest.SslAgainstPlaintext.class)
class KafkaClientSettingsTest {

    public static class SslAgainstPlaintext implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kafka.security.protocol",
                    "SSL",
                    // fail fast instead of the client's default 30-60 s back-offs
                    "kafka.reconnect.backoff.max.ms",
                    "1000",
                    "kafka.ssl.endpoint.identification.algorithm",
                    "");
        }
    }

    @Test
    void sslSettingIsUsedSoReadinessFailsAgainstAPlaintextBroker() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    JsonPath health =
                            given().get("/q/health/ready").then().extract().jsonPath();
                    assertThat(health.getString("status")).isEqualTo("DOWN");
                });
        String body =
                given().get("/q/health/ready").then().statusCode(503).extract().asString();
        // the database and the outbox are fine: only the Kafka checks are down
        JsonPath health = JsonPath.from(body);
        assertThat(health.getList("checks.findAll { it.status == 'DOWN' }.name", String.class))
                .isNotEmpty()
                .allMatch(
                        n -> n.toLowerCase().contains("kafka")
                                || n.toLowerCase().contains("messaging"),
                        "only Kafka/messaging checks down: " + body);
        assertThat(health.getList("checks.findAll { it.name == 'outbox' }.status", String.class))
                .containsExactly("UP");
    }
}

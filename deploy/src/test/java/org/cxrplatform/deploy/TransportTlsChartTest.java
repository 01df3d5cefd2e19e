package org.cxrplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * report-service's and the Kafka clients' transport protection as the production values render it:
 * ORUs over mutual TLS with the stores from a Secret, PostgreSQL with {@code sslmode=verify-full}
 * against a mounted CA, every Kafka client (the services, the topic Job, KEDA) trusting the mounted
 * brokers' CA; and a webhook that cannot be configured without its signing secret.
 */
class TransportTlsChartTest {

    @Test
    void oruGoesOverMutualTlsWithTheStoresOfTheSecret() {
        List<Chart.Obj> objects = Scenarios.PRODUCTION.objects();
        assertThat(ChartPolicyTest.configMap(objects, "-report").getData())
                .containsEntry("CXR_REPORT_RIS_ENDPOINTS_0__TLS_CONFIGURATION_NAME", "ris")
                .containsEntry("QUARKUS_TLS_RIS_TRUST_STORE_P12_PATH", "/etc/cxr/ris-tls/truststore.p12")
                .containsEntry("QUARKUS_TLS_RIS_KEY_STORE_P12_PATH", "/etc/cxr/ris-tls/keystore.p12");
        Map<String, EnvVar> env = env(reportContainer(objects));
        assertThat(env.get("QUARKUS_TLS_RIS_TRUST_STORE_P12_PASSWORD")
                        .getValueFrom()
                        .getSecretKeyRef())
                .satisfies(ref ->
                        assertThat(ref.getName() + "/" + ref.getKey()).isEqualTo("cxr-ris-tls/truststore-password"));
        assertThat(env.get("QUARKUS_TLS_RIS_KEY_STORE_P12_PASSWORD")
                        .getValueFrom()
                        .getSecretKeyRef())
                .satisfies(ref ->
                        assertThat(ref.getName() + "/" + ref.getKey()).isEqualTo("cxr-ris-tls/keystore-password"));
        assertThat(mount(reportContainer(objects), "ris-tls")).satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo("/etc/cxr/ris-tls");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(secretOf(reportPod(objects), "ris-tls")).isEqualTo("cxr-ris-tls");
    }

    @Test
    void postgresIsVerifiedAgainstTheMountedCa() {
        List<Chart.Obj> objects = Scenarios.PRODUCTION.objects();
        assertThat(ChartPolicyTest.configMap(objects, "-report").getData())
                .containsEntry("QUARKUS_DATASOURCE_JDBC_ADDITIONAL_JDBC_PROPERTIES_SSLMODE", "verify-full")
                .containsEntry(
                        "QUARKUS_DATASOURCE_JDBC_ADDITIONAL_JDBC_PROPERTIES_SSLROOTCERT",
                        "/etc/cxr/postgres-ca/ca.crt");
        assertThat(mount(reportContainer(objects), "postgres-ca").getMountPath())
                .isEqualTo("/etc/cxr/postgres-ca");
        assertThat(secretOf(reportPod(objects), "postgres-ca")).isEqualTo("cxr-postgres-ca");
    }

    @Test
    void everyKafkaClientTrustsTheMountedBrokerCa() {
        List<Chart.Obj> objects = Scenarios.PRODUCTION.objects();
        List<Workloads.Pod> clients = Workloads.of(objects).allPods().stream()
                .filter(p -> p.allContainers().anyMatch(c -> env(c).containsKey("KAFKA_BOOTSTRAP_SERVERS")))
                .toList();
        assertThat(clients)
                .extracting(Workloads.Pod::owner)
                .anyMatch(o -> o.endsWith("-ingest"))
                .anyMatch(o -> o.contains("-inference-"))
                .anyMatch(o -> o.endsWith("-report"))
                .anyMatch(o -> o.contains("topics"));
        for (Workloads.Pod pod : clients) {
            Container c = pod.spec().getContainers().get(0);
            assertThat(env(c).get("KAFKA_SSL_TRUSTSTORE_LOCATION").getValue())
                    .as(pod.owner())
                    .isEqualTo("/etc/cxr/kafka-ca/ca.crt");
            assertThat(env(c).get("KAFKA_SSL_TRUSTSTORE_TYPE").getValue()).isEqualTo("PEM");
            assertThat(mount(c, "kafka-ca").getMountPath()).as(pod.owner()).isEqualTo("/etc/cxr/kafka-ca");
            assertThat(secretOf(pod.spec(), "kafka-ca")).isEqualTo("cxr-kafka-ca");
        }
        assertThat(Workloads.of(objects).topicJobContainer().getArgs().get(0))
                .contains("ssl.truststore.location=${KAFKA_SSL_TRUSTSTORE_LOCATION}");
        assertThat(ChartPolicyTest.ofKind(objects, "TriggerAuthentication"))
                .singleElement()
                .satisfies(a -> assertThat(a.at("/spec/secretTargetRef").toString())
                        .contains("\"parameter\":\"ca\"")
                        .contains("\"name\":\"cxr-kafka-ca\""));
    }

    @Test
    void aWebhookNeedsItsSigningSecret() {
        assertThatThrownBy(() -> Chart.template(c -> c.set("report.alerts.webhookUrl", "https://pager.example/hook")))
                .hasMessageContaining("report.alerts.webhookSecret.existingSecret is required");
        List<Chart.Obj> signed = Chart.render(c -> c.set("report.alerts.webhookUrl", "https://pager.example/hook")
                .set("report.alerts.webhookSecret.existingSecret", "cxr-alert-webhook"));
        assertThat(env(reportContainer(signed))
                        .get("CXR_REPORT_ALERTS_WEBHOOK_SECRET")
                        .getValueFrom()
                        .getSecretKeyRef())
                .satisfies(ref ->
                        assertThat(ref.getName() + "/" + ref.getKey()).isEqualTo("cxr-alert-webhook/webhook-secret"));
        assertThatThrownBy(() -> Chart.template(c -> c.set("report.ris.endpoints[0].host", "ris.example")
                        .set("report.ris.endpoints[0].port", 2575)
                        .set("report.ris.endpoints[0].tls", true)))
                .hasMessageContaining("report.ris.tls.existingSecret is required");
    }

    @Test
    void defaultsMountNothingAndTurnNoTlsOn() {
        List<Chart.Obj> objects = Scenarios.DEFAULT.objects();
        assertThat(ChartPolicyTest.configMap(objects, "-report").getData())
                .doesNotContainKeys(
                        "CXR_REPORT_RIS_ENDPOINTS_0__TLS_CONFIGURATION_NAME",
                        "QUARKUS_TLS_RIS_TRUST_STORE_P12_PATH",
                        "QUARKUS_DATASOURCE_JDBC_ADDITIONAL_JDBC_PROPERTIES_SSLMODE");
        assertThat(reportPod(objects).getVolumes())
                .extracting(v -> v.getName())
                .doesNotContain("ris-tls", "postgres-ca", "kafka-ca");
    }

    // ---------------------------------------------------------------- helpers

    private static PodSpec reportPod(List<Chart.Obj> objects) {
        return Workloads.of(objects)
                .deployment("-report")
                .getSpec()
                .getTemplate()
                .getSpec();
    }

    private static Container reportContainer(List<Chart.Obj> objects) {
        return reportPod(objects).getContainers().get(0);
    }

    private static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e, (a, b) -> b));
    }

    private static VolumeMount mount(Container c, String volume) {
        return c.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(volume))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no mount of " + volume + " in " + c.getName()));
    }

    private static String secretOf(PodSpec pod, String volume) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(volume))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + volume))
                .getSecret()
                .getSecretName();
    }
}

package org.cxrplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches ingest-service from outside its pods: DICOM, HL7 orders (MLLP/TLS), STOW-RS and /jobs.
 * Rendered with everything off (the defaults) and everything on ({@code exposed-values.yaml}); the
 * NetworkPolicy must admit exactly the configured peers on each port and nothing else.
 */
class IngestExposureTest {

    private static final String NAME = "cxr-cxr-platform-ingest";
    private static final String NS_LABEL = "kubernetes.io/metadata.name";

    @Test
    void everythingOffByDefault() {
        List<Chart.Obj> objects = Scenarios.DEFAULT.objects();
        assertThat(objects).noneSatisfy(o -> assertThat(o.name()).isEqualTo(NAME + "-hl7"));
        assertThat(ChartPolicyTest.ofKind(objects, "Ingress"))
                .noneSatisfy(o -> assertThat(o.name()).isEqualTo(NAME));
        assertThat(ports(container(objects))).containsOnlyKeys("http", "dicom");
        assertThat(ChartPolicyTest.configMap(objects, "-ingest").getData())
                .containsEntry("CXR_INGEST_JOBS_ROLES", "admin")
                .containsEntry("CXR_INGEST_JOBS_DEV_AUTH", "false")
                .containsEntry("CXR_INGEST_STOW_DEV_AUTH", "false")
                .doesNotContainKeys("CXR_INGEST_ORDERS_MLLP_PORT", "CXR_INGEST_ORDERS_TLS_ENABLED");

        // :8080 for Prometheus only, DICOM from anywhere (AE allow-list), nothing else.
        Map<Integer, List<String>> rules = rulesByPort(policy(objects));
        assertThat(rules).containsOnlyKeys(8080, 11112);
        assertThat(rules.get(8080)).containsExactly("namespace monitoring / pods {app.kubernetes.io/name=prometheus}");
        assertThat(rules.get(11112)).containsExactly("any");
    }

    @Test
    void everythingOnOpensEachPortToExactlyItsPeers() {
        List<Chart.Obj> objects = Scenarios.EXPOSED.objects();
        Map<Integer, List<String>> rules = rulesByPort(policy(objects));
        assertThat(rules).containsOnlyKeys(8080, 11112, 2575);
        assertThat(rules.get(11112)).as("DICOM routers").containsExactly("namespace dicom-router", "cidr 10.50.0.0/16");
        assertThat(rules.get(2575))
                .as("HL7 senders")
                .containsExactly("namespace interface-engine", "cidr 10.60.1.0/24");
        assertThat(rules.get(8080))
                .as("Prometheus, token users and the ingress controller")
                .containsExactly(
                        "namespace monitoring / pods {app.kubernetes.io/name=prometheus}",
                        "namespace pacs-gateway",
                        "cidr 10.80.4.0/24",
                        "namespace ingress-nginx / pods {}");
    }

    @Test
    void hl7OrdersAreAServicePortWithTlsFromTheSecret() {
        List<Chart.Obj> objects = Scenarios.EXPOSED.objects();
        Service hl7 = (Service) StrictModels.parse(byName(objects, "Service", NAME + "-hl7"));
        assertThat(hl7.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(hl7.getSpec().getLoadBalancerSourceRanges()).containsExactly("10.60.1.0/24");
        assertThat(hl7.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(2576);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("hl7");
        });
        assertThat(ports(container(objects))).containsEntry("hl7", 2575);

        assertThat(ChartPolicyTest.configMap(objects, "-ingest").getData())
                .containsEntry("CXR_INGEST_ORDERS_MLLP_PORT", "2575")
                .containsEntry("CXR_INGEST_ORDERS_TLS_ENABLED", "true")
                .containsEntry("CXR_INGEST_ORDERS_TLS_KEY_STORE", "/etc/cxr/orders-tls/keystore.p12")
                .containsEntry("CXR_INGEST_ORDERS_TLS_TRUST_STORE", "/etc/cxr/orders-tls/truststore.p12")
                .containsEntry("CXR_INGEST_ORDERS_TLS_REQUIRE_CLIENT_CERT", "true")
                .containsEntry("CXR_INGEST_JOBS_ROLES", "admin,backlog-operator")
                .doesNotContainKeys(
                        "CXR_INGEST_ORDERS_TLS_KEY_STORE_PASSWORD", "CXR_INGEST_ORDERS_TLS_TRUST_STORE_PASSWORD");
        Map<String, EnvVar> env =
                container(objects).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        for (String[] password : new String[][] {
            {"CXR_INGEST_ORDERS_TLS_KEY_STORE_PASSWORD", "keystore-password"},
            {"CXR_INGEST_ORDERS_TLS_TRUST_STORE_PASSWORD", "truststore-password"}
        }) {
            assertThat(env.get(password[0]).getValueFrom().getSecretKeyRef())
                    .as(password[0])
                    .satisfies(ref -> {
                        assertThat(ref.getName()).isEqualTo("cxr-orders-tls");
                        assertThat(ref.getKey()).isEqualTo(password[1]);
                    });
        }
        PodSpec pod = statefulSet(objects).getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("orders-tls"))
                .singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("cxr-orders-tls"));
        assertThat(container(objects).getVolumeMounts())
                .filteredOn(m -> m.getName().equals("orders-tls"))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.getMountPath()).isEqualTo("/etc/cxr/orders-tls");
                    assertThat(m.getReadOnly()).isTrue();
                });
    }

    @Test
    void ingressRoutesStowAndJobsButNeverHealthOrMetrics(@TempDir Path tmp) throws IOException {
        Ingress ingress = (Ingress) StrictModels.parse(byName(Scenarios.EXPOSED.objects(), "Ingress", NAME));
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(t -> {
            assertThat(t.getSecretName()).isEqualTo("cxr-ingest-tls");
            assertThat(t.getHosts()).containsExactly("cxr-ingest.hospital.example");
        });
        List<HTTPIngressPath> paths =
                ingress.getSpec().getRules().get(0).getHttp().getPaths();
        assertThat(paths).extracting(HTTPIngressPath::getPath).containsExactly("/dicomweb/studies", "/jobs");
        assertThat(paths).allSatisfy(p -> {
            assertThat(p.getBackend().getService().getName()).isEqualTo(NAME);
            assertThat(p.getBackend().getService().getPort().getName()).isEqualTo("http");
        });

        // --set cannot replace a list: a values file does
        Path stowPath = Files.writeString(
                tmp.resolve("stow-only.yaml"), "ingest:\n  api:\n    ingress:\n      paths: [/dicomweb/studies]\n");
        List<Chart.Obj> stowOnly = Chart.render(c -> c.withValuesFile(exposed()).withValuesFile(stowPath));
        assertThat(((Ingress) StrictModels.parse(byName(stowOnly, "Ingress", NAME)))
                        .getSpec()
                        .getRules()
                        .get(0)
                        .getHttp()
                        .getPaths())
                .extracting(HTTPIngressPath::getPath)
                .containsExactly("/dicomweb/studies");
    }

    @Test
    void exposuresThatWouldAdmitNobodyOrLackTheirTlsKeyAreRefused(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> Chart.template(c ->
                        c.set("ingest.orders.enabled", true).set("ingest.orders.tls.existingSecret", "cxr-orders-tls")))
                .hasMessageContaining("ingest.orders.clients: no peer configured");
        assertThatThrownBy(() -> Chart.template(c ->
                        c.set("ingest.orders.enabled", true).set("ingest.orders.clients.cidrs[0]", "10.60.1.0/24")))
                .hasMessageContaining("ingest.orders.tls.existingSecret");
        assertThatThrownBy(() -> Chart.template(c -> c.set("ingest.api.enabled", true)))
                .hasMessageContaining("ingest.api.clients: no peer configured");
        assertThatThrownBy(() -> Chart.template(
                        c -> c.withValuesFile(exposed()).set("ingest.api.ingress.paths[2]", "/q/metrics")))
                .as("only STOW-RS and /jobs may be routed")
                .hasMessageContaining("paths");
        Path noRoles = Files.writeString(tmp.resolve("no-roles.yaml"), "ingest:\n  jobs:\n    roles: []\n");
        assertThatThrownBy(() -> Chart.template(c -> c.withValuesFile(noRoles)))
                .as("an empty list would silently mean the service default")
                .hasMessageContaining("/ingest/jobs/roles")
                .hasMessageContaining("minItems");
        assertThatThrownBy(() -> Chart.template(c -> c.set("ingest.jobs.devAuth", true)))
                .as("no switch admits /jobs callers without a token")
                .hasMessageContaining("devAuth");

        // Plain MLLP is a choice, and an ingress alone is a peer.
        List<Chart.Obj> plain = Chart.render(c -> c.set("ingest.orders.enabled", true)
                .set("ingest.orders.tls.enabled", false)
                .set("ingest.orders.clients.cidrs[0]", "10.60.1.0/24")
                .set("ingest.api.enabled", true)
                .set("ingest.api.ingress.enabled", true));
        assertThat(ChartPolicyTest.configMap(plain, "-ingest").getData())
                .containsEntry("CXR_INGEST_ORDERS_TLS_ENABLED", "false")
                .doesNotContainKey("CXR_INGEST_ORDERS_TLS_KEY_STORE");
        assertThat(rulesByPort(policy(plain)).get(8080)).contains("namespace ingress-nginx / pods {}");
    }

    // ---------------------------------------------------------------- helpers

    private static Path exposed() {
        return Path.of("src/test/resources/exposed-values.yaml").toAbsolutePath();
    }

    /** Each ingress rule's port with its peers in words ("any" when the rule has no {@code from}). */
    private static Map<Integer, List<String>> rulesByPort(NetworkPolicy policy) {
        Map<Integer, List<String>> out = new java.util.TreeMap<>();
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            assertThat(rule.getPorts()).as("one port per rule").hasSize(1);
            int port = rule.getPorts().get(0).getPort().getIntVal();
            List<String> peers = rule.getFrom() == null || rule.getFrom().isEmpty()
                    ? List.of("any")
                    : rule.getFrom().stream().map(IngestExposureTest::describe).toList();
            out.merge(
                    port,
                    peers,
                    (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream())
                            .toList());
        }
        return out;
    }

    private static String describe(NetworkPolicyPeer peer) {
        if (peer.getIpBlock() != null) {
            return "cidr " + peer.getIpBlock().getCidr();
        }
        String ns = "namespace " + peer.getNamespaceSelector().getMatchLabels().get(NS_LABEL);
        return peer.getPodSelector() == null
                ? ns
                : ns + " / pods "
                        + Objects.requireNonNullElse(peer.getPodSelector().getMatchLabels(), Map.of());
    }

    private static NetworkPolicy policy(List<Chart.Obj> objects) {
        return (NetworkPolicy) StrictModels.parse(byName(objects, "NetworkPolicy", "cxr-cxr-platform-ingest"));
    }

    private static StatefulSet statefulSet(List<Chart.Obj> objects) {
        return (StatefulSet) StrictModels.parse(byName(objects, "StatefulSet", NAME));
    }

    private static Container container(List<Chart.Obj> objects) {
        return statefulSet(objects)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static Map<String, Integer> ports(Container c) {
        return c.getPorts().stream().collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort()));
    }

    private static Chart.Obj byName(List<Chart.Obj> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> o.kind().equals(kind) && o.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }
}

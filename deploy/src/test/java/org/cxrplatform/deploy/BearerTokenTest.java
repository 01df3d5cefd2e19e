package org.cxrplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * auth.jwt: one identity provider for report-service (API, worklist) and ingest-service (STOW-RS). Checks
 * what each pod actually receives (its env plus the ConfigMaps it loads), not only the chart's ConfigMaps.
 */
class BearerTokenTest {

    private static final String ISSUER = "https://sso.hospital.example/realms/radiology";
    private static final String JWKS = ISSUER + "/protocol/openid-connect/certs";
    private static final String ISSUER_CIDR = "10.60.3.20/32";

    @Test
    void sharedBlockGivesBothServicesTheSameIssuerAndKeyLocation() {
        List<Chart.Obj> objects = Scenarios.PRODUCTION.objects();
        for (PodSpec pod : List.of(ingest(objects), report(objects))) {
            assertThat(effectiveEnv(objects, pod))
                    .as(owner(objects, pod))
                    .containsEntry("MP_JWT_VERIFY_ISSUER", ISSUER)
                    .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", JWKS);
        }
        assertThat(effectiveEnv(objects, ingest(objects))).containsEntry("CXR_INGEST_STOW_ROLES", "stow");
        // a JWKS URL needs no file: nothing mounted, no key ConfigMap
        assertThat(ChartPolicyTest.ofKind(objects, "ConfigMap"))
                .noneSatisfy(cm -> assertThat(cm.name()).endsWith("-jwt"));
        assertThat(List.of(ingest(objects), report(objects)))
                .allSatisfy(pod -> assertThat(pod.getVolumes())
                        .noneSatisfy(v -> assertThat(v.getName()).isEqualTo("jwt")));
    }

    @Test
    void stowRolesComeFromValuesCommaSeparated() {
        List<Chart.Obj> objects =
                Chart.render(c -> c.set("ingest.stow.roles[0]", "stow").set("ingest.stow.roles[1]", "pacs-gateway"));
        assertThat(effectiveEnv(objects, ingest(objects))).containsEntry("CXR_INGEST_STOW_ROLES", "stow,pacs-gateway");
        assertThat(effectiveEnv(objects, report(objects))).doesNotContainKey("CXR_INGEST_STOW_ROLES");
    }

    @Test
    void inlinePemKeyIsOneConfigMapMountedAsTheKeyFileInBothServices() {
        List<Chart.Obj> objects = Scenarios.VARIANTS.objects();
        List<Chart.Obj> keyMaps = ChartPolicyTest.ofKind(objects, "ConfigMap").stream()
                .filter(cm -> cm.name().endsWith("-jwt"))
                .toList();
        assertThat(keyMaps).extracting(Chart.Obj::name).containsExactly("cxr-cxr-platform-jwt");
        ConfigMap keyMap = (ConfigMap) StrictModels.parse(keyMaps.get(0));
        assertThat(keyMap.getData()).containsOnlyKeys("publicKey.pem");
        assertThat(keyMap.getData().get("publicKey.pem"))
                .startsWith("-----BEGIN PUBLIC KEY-----\n")
                .contains("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")
                .endsWith("-----END PUBLIC KEY-----\n");
        for (PodSpec pod : List.of(ingest(objects), report(objects))) {
            String what = owner(objects, pod);
            Map<String, String> env = effectiveEnv(objects, pod);
            assertThat(env).as(what).containsEntry("MP_JWT_VERIFY_ISSUER", ISSUER);
            String location = env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
            assertThat(location).as(what).startsWith("file:");
            String file = location.substring("file:".length());
            String dir = file.substring(0, file.lastIndexOf('/'));
            assertThat(pod.getVolumes())
                    .as(what)
                    .filteredOn(v -> v.getName().equals("jwt"))
                    .singleElement()
                    .satisfies(v -> assertThat(v.getConfigMap().getName())
                            .isEqualTo(keyMap.getMetadata().getName()));
            Container main = pod.getContainers().get(0);
            assertThat(main.getVolumeMounts())
                    .as(what)
                    .filteredOn(m -> m.getName().equals("jwt"))
                    .singleElement()
                    .satisfies(m -> {
                        assertThat(m.getMountPath()).isEqualTo(dir);
                        assertThat(m.getReadOnly()).isTrue();
                    });
            // the file the service reads is the ConfigMap key under the mount
            assertThat(keyMap.getData()).containsKey(file.substring(dir.length() + 1));
        }
    }

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void noServiceCanBeSwitchedToDevelopmentAuthentication(Scenarios scenario) {
        List<Chart.Obj> objects = scenario.objects();
        assertThat(effectiveEnv(objects, ingest(objects))).containsEntry("CXR_INGEST_STOW_DEV_AUTH", "false");
        assertThat(effectiveEnv(objects, report(objects))).containsEntry("CXR_REPORT_DEV_AUTH", "false");
        for (Workloads.Pod pod : Workloads.of(objects).allPods()) {
            assertThat(effectiveEnv(objects, pod.spec())).as(pod.owner()).allSatisfy((name, value) -> {
                if (name.contains("DEV_AUTH")) {
                    assertThat(value).as(pod.owner() + " " + name).isEqualTo("false");
                }
            });
        }
    }

    @Test
    void valuesOfferNoDevelopmentAuthenticationSwitch() {
        for (var file : List.of(Chart.DEFAULT_VALUES, Chart.PRODUCTION_VALUES)) {
            assertThat(keyPaths(Chart.values(file), ""))
                    .as(file.toString())
                    .noneMatch(k -> k.toLowerCase(java.util.Locale.ROOT)
                            .replaceAll("[^a-z.]", "")
                            .contains("devauth"));
        }
        assertThatThrownBy(() -> Chart.template(c -> c.set("ingest.stow.devAuth", true)))
                .as("the schema refuses a made-up switch")
                .hasMessageContaining("devAuth");
    }

    @Test
    void ingestAndReportMayReachTheIssuerWhenTheKeySetIsFetched() {
        List<NetworkPolicy> production = policies(Scenarios.PRODUCTION.objects());
        for (String component : List.of("-ingest", "-report")) {
            NetworkPolicy p = policy(production, component);
            assertThat(egressCidrsOnPort(p, 443))
                    .as(component + " egress to the issuer")
                    .containsExactly(ISSUER_CIDR);
        }
        assertThat(egressCidrsOnPort(policy(production, "-inference"), 443))
                .as("inference takes no tokens")
                .isEmpty();

        // empty cidrs: any address on the issuer's ports, and the ports come from values
        List<NetworkPolicy> anyAddress = policies(
                Chart.render(c -> c.set("auth.jwt.publicKeyLocation", JWKS).set("auth.jwt.ports[0]", 8443)));
        NetworkPolicy ingest = policy(anyAddress, "-ingest");
        assertThat(rulesOnPort(ingest, 8443))
                .as("ingest egress to the issuer")
                .singleElement()
                .satisfies(r -> assertThat(r.getTo()).isEmpty());
        assertThat(rulesOnPort(policy(anyAddress, "-report"), 8443)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(
            value = Scenarios.class,
            names = {"DEFAULT", "VARIANTS"})
    void noEgressToTheIssuerWhenNothingIsFetched(Scenarios scenario) {
        // DEFAULT: no key at all; VARIANTS: an inline PEM key (the issuer is set but never contacted)
        List<NetworkPolicy> policies = policies(scenario.objects());
        for (String component : List.of("-ingest", "-report")) {
            assertThat(rulesOnPort(policy(policies, component), 443))
                    .as(component)
                    .isEmpty();
        }
    }

    @Test
    void noEgressToTheIssuerForAKeyFileLocation() {
        List<NetworkPolicy> fileKey = policies(Chart.render(c ->
                c.set("auth.jwt.publicKeyLocation", "file:/etc/idp/key.pem").set("auth.jwt.cidrs[0]", ISSUER_CIDR)));
        assertThat(egressCidrsOnPort(policy(fileKey, "-ingest"), 443)).isEmpty();
    }

    @Test
    void chartRefusesTheOldReportJwtKeyTwoKeySourcesAndNoRoles(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> Chart.template(c -> c.set("report.jwt.issuer", ISSUER)))
                .hasMessageContaining("report.jwt has moved to auth.jwt");
        assertThatThrownBy(() -> Chart.template(c -> c.set("auth.jwt.publicKeyLocation", JWKS)
                        .set("auth.jwt.publicKeyPem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")))
                .hasMessageContaining("publicKeyLocation or publicKeyPem, not both");
        // --set cannot write an empty list: a values file does
        Path noRoles = Files.writeString(tmp.resolve("no-roles.yaml"), "ingest:\n  stow:\n    roles: []\n");
        assertThatThrownBy(() -> Chart.template(c -> c.withValuesFile(noRoles)))
                .as("an empty list would silently mean the service default")
                .hasMessageContaining("/ingest/stow/roles")
                .hasMessageContaining("minItems");
    }

    @Test
    void signOnAndFhirClientCredentialsReachReportServiceWithTheirSecretsFromSecrets() {
        List<Chart.Obj> objects = Chart.render(c -> c.set("auth.jwt.issuer", ISSUER)
                .set("auth.jwt.publicKeyLocation", JWKS)
                .set("auth.jwt.cidrs[0]", ISSUER_CIDR)
                .set("auth.jwt.audience", "cxr-report-service")
                .set("auth.jwt.rolesClaim", "roles")
                .set("auth.oidc.enabled", true)
                .set("auth.oidc.issuerUrl", ISSUER)
                .set("auth.oidc.clientSecret.existingSecret", "cxr-sso")
                .set("report.fhir.pushUrl", "https://fhir.hospital.example/fhir")
                .set("report.fhir.clientCredentials.enabled", true)
                .set("report.fhir.clientCredentials.scopes", "system/DiagnosticReport.write")
                .set("report.fhir.clientCredentials.existingSecret", "cxr-fhir-client"));
        Map<String, String> env = effectiveEnv(objects, report(objects));
        assertThat(env)
                .containsEntry("QUARKUS_OIDC_TENANT_ENABLED", "true")
                .containsEntry("QUARKUS_OIDC_AUTH_SERVER_URL", ISSUER)
                .containsEntry("QUARKUS_OIDC_CLIENT_ID", "cxr-worklist")
                .containsEntry("MP_JWT_VERIFY_AUDIENCES", "cxr-report-service")
                .containsEntry("SMALLRYE_JWT_PATH_GROUPS", "roles")
                .containsEntry("CXR_REPORT_FHIR_CLIENT_CREDENTIALS", "true")
                // the token issuer defaults to the sign-on provider
                .containsEntry("QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL", ISSUER)
                .containsEntry("QUARKUS_OIDC_CLIENT_CLIENT_ID", "cxr-report-service")
                .containsEntry("QUARKUS_OIDC_CLIENT_SCOPES", "system/DiagnosticReport.write");
        assertThat(effectiveEnv(objects, ingest(objects))).containsEntry("SMALLRYE_JWT_PATH_GROUPS", "roles");
        // the client secrets only by reference, never in a ConfigMap
        Container main = report(objects).getContainers().get(0);
        assertThat(main.getEnv())
                .filteredOn(e -> e.getName().equals("QUARKUS_OIDC_CREDENTIALS_SECRET"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("cxr-sso");
                    assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("client-secret");
                });
        assertThat(main.getEnv())
                .filteredOn(e -> e.getName().equals("QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET"))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("cxr-fhir-client"));
        assertThat(egressCidrsOnPort(policy(policies(objects), "-report"), 443)).contains(ISSUER_CIDR);
    }

    @Test
    void signOnWithAnInlineKeyStillReachesTheProviderAndNeedsIssuerAndSecret() {
        // an inline PEM key alone contacts no issuer; sign-on does (discovery, token endpoint)
        List<NetworkPolicy> policies = policies(Chart.render(
                c -> c.set("auth.jwt.publicKeyPem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                        .set("auth.jwt.cidrs[0]", ISSUER_CIDR)
                        .set("auth.oidc.enabled", true)
                        .set("auth.oidc.issuerUrl", ISSUER)
                        .set("auth.oidc.clientSecret.existingSecret", "cxr-sso")));
        assertThat(egressCidrsOnPort(policy(policies, "-report"), 443)).containsExactly(ISSUER_CIDR);
        assertThat(egressCidrsOnPort(policy(policies, "-ingest"), 443)).isEmpty();

        assertThatThrownBy(() -> Chart.template(
                        c -> c.set("auth.oidc.enabled", true).set("auth.oidc.clientSecret.existingSecret", "cxr-sso")))
                .hasMessageContaining("auth.oidc.issuerUrl is required");
        assertThatThrownBy(() ->
                        Chart.template(c -> c.set("auth.oidc.enabled", true).set("auth.oidc.issuerUrl", ISSUER)))
                .hasMessageContaining("auth.oidc.clientSecret.existingSecret is required");
        assertThatThrownBy(() -> Chart.template(c -> c.set("report.fhir.clientCredentials.enabled", true)
                        .set("report.fhir.clientCredentials.existingSecret", "cxr-fhir-client")))
                .hasMessageContaining("tokenIssuerUrl (or auth.oidc.issuerUrl) is required");
    }

    // ---------------------------------------------------------------- helpers

    private static PodSpec ingest(List<Chart.Obj> objects) {
        return Workloads.of(objects).statefulSets().stream()
                .filter(s -> s.getMetadata().getName().endsWith("-ingest"))
                .findFirst()
                .orElseThrow()
                .getSpec()
                .getTemplate()
                .getSpec();
    }

    private static PodSpec report(List<Chart.Obj> objects) {
        return Workloads.of(objects)
                .deployment("-report")
                .getSpec()
                .getTemplate()
                .getSpec();
    }

    private static String owner(List<Chart.Obj> objects, PodSpec pod) {
        return Workloads.of(objects).servicePods().stream()
                .filter(p -> p.spec().equals(pod))
                .map(Workloads.Pod::owner)
                .findFirst()
                .orElse("pod");
    }

    /** What the main container sees: ConfigMaps loaded with envFrom, overridden by env values (Kubernetes order). */
    private static Map<String, String> effectiveEnv(List<Chart.Obj> objects, PodSpec pod) {
        Container main = pod.getContainers().get(0);
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : main.getEnvFrom()) {
            if (from.getConfigMapRef() == null) {
                continue;
            }
            String name = from.getConfigMapRef().getName();
            Chart.Obj cm = ChartPolicyTest.ofKind(objects, "ConfigMap").stream()
                    .filter(o -> o.name().equals(name))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("envFrom names a ConfigMap the chart does not render: " + name));
            env.putAll(((ConfigMap) StrictModels.parse(cm)).getData());
        }
        for (EnvVar e : main.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    private static List<String> keyPaths(JsonNode node, String prefix) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            out.add(path);
            out.addAll(keyPaths(e.getValue(), path));
        }
        return out;
    }

    private static List<NetworkPolicy> policies(List<Chart.Obj> objects) {
        return ChartPolicyTest.ofKind(objects, "NetworkPolicy").stream()
                .map(o -> (NetworkPolicy) StrictModels.parse(o))
                .toList();
    }

    private static NetworkPolicy policy(List<NetworkPolicy> policies, String suffix) {
        return policies.stream()
                .filter(p -> p.getMetadata().getName().endsWith(suffix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no NetworkPolicy *" + suffix));
    }

    private static List<NetworkPolicyEgressRule> rulesOnPort(NetworkPolicy policy, int port) {
        return policy.getSpec().getEgress().stream()
                .filter(r -> r.getPorts().stream()
                        .anyMatch(p -> p.getPort() != null
                                && Objects.equals(p.getPort().getIntVal(), port)))
                .toList();
    }

    private static List<String> egressCidrsOnPort(NetworkPolicy policy, int port) {
        return rulesOnPort(policy, port).stream()
                .flatMap(r -> r.getTo().stream())
                .map(NetworkPolicyPeer::getIpBlock)
                .filter(Objects::nonNull)
                .map(b -> b.getCidr())
                .toList();
    }
}

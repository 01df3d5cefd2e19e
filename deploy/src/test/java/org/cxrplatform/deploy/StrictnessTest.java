package org.cxrplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks of RenderedObjectsTest would pass vacuously if the parsers were lenient: prove they are not. */
class StrictnessTest {

    @Test
    void fabric8ParseRejectsAMisspeltFieldAnywhereInTheTree() {
        Chart.Obj deployment = Scenarios.DEFAULT.objects().stream()
                .filter(o -> o.kind().equals("Deployment"))
                .findFirst()
                .orElseThrow();
        assertThat(StrictModels.parse(deployment)).isInstanceOf(Deployment.class);

        ObjectNode typo = deployment.node().deepCopy();
        ObjectNode container = (ObjectNode) typo.at("/spec/template/spec/containers/0");
        container.set("resource", container.get("resources")); // "resource" is not a Container field
        assertThatThrownBy(() -> StrictModels.parse(typo.toString(), Deployment.class))
                .hasMessageContaining("resource");

        ObjectNode wrongLevel = deployment.node().deepCopy();
        ((ObjectNode) wrongLevel.at("/spec")).put("nodeSelector", "gpu"); // a pod field on the Deployment spec
        assertThatThrownBy(() -> StrictModels.parse(wrongLevel.toString(), Deployment.class))
                .hasMessageContaining("nodeSelector");
    }

    @Test
    void scaledObjectSchemaRejectsUnknownFieldsAndNonStringTriggerMetadata() {
        Chart.Obj so = Scenarios.DEFAULT.objects().stream()
                .filter(o -> o.kind().equals("ScaledObject"))
                .findFirst()
                .orElseThrow();
        assertThat(CrdSchemas.validate(so)).isEmpty();

        ObjectNode numeric = so.node().deepCopy();
        ((ObjectNode) numeric.at("/spec/triggers/0/metadata")).put("lagThreshold", 50);
        assertThat(CrdSchemas.validate(copy(so, numeric)))
                .isNotEmpty()
                .anySatisfy(m -> assertThat(m.getMessage()).contains("lagThreshold"));

        ObjectNode unknown = so.node().deepCopy();
        ((ObjectNode) unknown.at("/spec")).put("minReplicas", 1); // HPA spelling, not KEDA's
        assertThat(CrdSchemas.validate(copy(so, unknown)))
                .anySatisfy(m -> assertThat(m.getMessage()).contains("minReplicas"));

        ObjectNode missing = so.node().deepCopy();
        ((ObjectNode) missing.at("/spec")).remove("scaleTargetRef");
        assertThat(CrdSchemas.validate(copy(so, missing)))
                .anySatisfy(m -> assertThat(m.getMessage()).contains("scaleTargetRef"));
    }

    @Test
    void serviceMonitorSchemaRejectsADurationWithoutUnit() {
        Chart.Obj sm = Scenarios.PRODUCTION.objects().stream()
                .filter(o -> o.kind().equals("ServiceMonitor"))
                .findFirst()
                .orElseThrow();
        assertThat(CrdSchemas.validate(sm)).isEmpty();
        ObjectNode bad = sm.node().deepCopy();
        ((ObjectNode) bad.at("/spec/endpoints/0")).put("interval", "30");
        assertThat(CrdSchemas.validate(copy(sm, bad))).isNotEmpty();
    }

    @Test
    void everyKindTheChartCanRenderIsCoveredByAModelOrASchema() {
        List<String> kinds = java.util.Arrays.stream(Scenarios.values())
                .flatMap(s -> s.objects().stream())
                .map(o -> o.apiVersion() + "/" + o.kind())
                .distinct()
                .sorted()
                .toList();
        assertThat(kinds).allSatisfy(k -> {
            String apiVersion = k.substring(0, k.lastIndexOf('/'));
            String kind = k.substring(k.lastIndexOf('/') + 1);
            assertThat(StrictModels.modelFor(apiVersion, kind).isPresent()
                            || CrdSchemas.schemaFor(apiVersion, kind).isPresent())
                    .as(k)
                    .isTrue();
        });
        System.out.println("kinds rendered across scenarios: " + kinds);
    }

    private static Chart.Obj copy(Chart.Obj original, ObjectNode node) {
        return new Chart.Obj(original.apiVersion(), original.kind(), original.name(), node);
    }
}

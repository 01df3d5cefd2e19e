package org.cxrplatform.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Strict parsing into the fabric8 models. fabric8 classes collect unknown fields in an
 * {@code additionalProperties} map through {@code @JsonAnySetter}, which would accept any typo;
 * the mapper here removes every any-setter, so with FAIL_ON_UNKNOWN_PROPERTIES a field that the
 * Kubernetes API does not define fails the parse, with its path. (fabric8 8 is built on Jackson 3.)
 */
public final class StrictModels {

    static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addModule(new SimpleModule("no-any-setter").setDeserializerModifier(new ValueDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(
                        DeserializationConfig config,
                        BeanDescription.Supplier beanDesc,
                        BeanDeserializerBuilder builder) {
                    builder.setAnySetter(null);
                    return builder;
                }
            }))
            .build();

    /** Built-in kinds the chart may render, by apiVersion/kind. */
    static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("scheduling.k8s.io/v1/PriorityClass", PriorityClass.class));

    private StrictModels() {}

    static Optional<Class<?>> modelFor(String apiVersion, String kind) {
        return Optional.ofNullable(KINDS.get(apiVersion + "/" + kind));
    }

    static <T> T parse(String json, Class<T> type) {
        return STRICT.readValue(json, type);
    }

    public static Object parse(Chart.Obj obj) {
        Class<?> type = modelFor(obj.apiVersion(), obj.kind())
                .orElseThrow(() -> new IllegalArgumentException("no fabric8 model registered for " + obj.id()));
        return parse(obj.node().toString(), type);
    }

    static ObjectMeta metadata(Chart.Obj obj) {
        return parse(obj.node().path("metadata").toString(), ObjectMeta.class);
    }
}

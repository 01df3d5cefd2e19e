package org.cxrplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What operators and security reviewers rely on, checked on every value set. */
class ChartPolicyTest {

    private static final String GPU = "nvidia.com/gpu";

    // ---------------------------------------------------------------- security

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void everyPodIsNonRootUnprivilegedReadOnlyWithoutCapabilities(Scenarios scenario) {
        for (Workloads.Pod pod : Workloads.of(scenario.objects()).allPods()) {
            PodSecurityContext psc =
                    Optional.ofNullable(pod.spec().getSecurityContext()).orElseGet(PodSecurityContext::new);
            assertThat(pod.spec().getHostNetwork())
                    .as(pod.owner() + " hostNetwork")
                    .isNotEqualTo(Boolean.TRUE);
            assertThat(pod.spec().getHostPID()).as(pod.owner() + " hostPID").isNotEqualTo(Boolean.TRUE);
            assertThat(pod.spec().getHostIPC()).as(pod.owner() + " hostIPC").isNotEqualTo(Boolean.TRUE);
            assertThat(pod.spec().getVolumes())
                    .as(pod.owner() + " volumes")
                    .allSatisfy(v -> assertThat(v.getHostPath()).isNull());
            assertThat(psc.getSeccompProfile()).as(pod.owner() + " seccomp").isNotNull();
            assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            pod.allContainers().forEach(c -> {
                String what = pod.owner() + "/" + c.getName();
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as(what + " securityContext").isNotNull();
                assertThat(sc.getPrivileged()).as(what + " privileged").isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getAllowPrivilegeEscalation())
                        .as(what + " allowPrivilegeEscalation")
                        .isFalse();
                assertThat(sc.getReadOnlyRootFilesystem())
                        .as(what + " readOnlyRootFilesystem")
                        .isTrue();
                assertThat(Objects.requireNonNullElse(sc.getRunAsNonRoot(), psc.getRunAsNonRoot()))
                        .as(what + " runAsNonRoot")
                        .isTrue();
                Long uid = Objects.requireNonNullElse(sc.getRunAsUser(), psc.getRunAsUser());
                assertThat(uid).as(what + " runAsUser").isNotNull().isNotZero();
                assertThat(sc.getCapabilities().getDrop())
                        .as(what + " capabilities.drop")
                        .contains("ALL");
                assertThat(sc.getCapabilities().getAdd())
                        .as(what + " capabilities.add")
                        .isEmpty();
                // a read-only root needs a writable /tmp from an emptyDir
                String tmpVolume = c.getVolumeMounts().stream()
                        .filter(m -> m.getMountPath().equals("/tmp"))
                        .map(m -> m.getName())
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(what + " has no /tmp mount"));
                assertThat(pod.spec().getVolumes())
                        .filteredOn(v -> v.getName().equals(tmpVolume))
                        .singleElement()
                        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void podsDoNotMountServiceAccountTokens(Scenarios scenario) {
        for (Workloads.Pod pod : Workloads.of(scenario.objects()).allPods()) {
            assertThat(pod.spec().getAutomountServiceAccountToken())
                    .as(pod.owner())
                    .isFalse();
        }
    }

    // ---------------------------------------------------------------- probes and resources

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void everyServiceContainerHasStartupLivenessAndReadinessOnQuarkusHealth(Scenarios scenario) {
        List<Workloads.Pod> pods = Workloads.of(scenario.objects()).servicePods();
        assertThat(pods).hasSizeGreaterThanOrEqualTo(4); // ingest, inference stat + batch, report
        for (Workloads.Pod pod : pods) {
            for (Container c : pod.spec().getContainers()) {
                String what = pod.owner() + "/" + c.getName();
                assertHttpProbe(what + " startup", c.getStartupProbe(), "/q/health/started");
                assertHttpProbe(what + " liveness", c.getLivenessProbe(), "/q/health/live");
                assertHttpProbe(what + " readiness", c.getReadinessProbe(), "/q/health/ready");
                assertThat(c.getPorts()).as(what + " ports").anySatisfy(p -> {
                    assertThat(p.getName()).isEqualTo("http");
                    assertThat(p.getContainerPort()).isEqualTo(8080);
                });
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void inferenceStartupProbeAllowsMinutesForModelLoading(Scenarios scenario) {
        Workloads w = Workloads.of(scenario.objects());
        for (Deployment d : w.deployments()) {
            if (!isInference(d)) {
                continue;
            }
            Probe startup =
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).getStartupProbe();
            int budgetSeconds = startup.getPeriodSeconds() * startup.getFailureThreshold();
            assertThat(budgetSeconds)
                    .as(d.getMetadata().getName() + " startup budget (s)")
                    .isGreaterThanOrEqualTo(600);
        }
    }

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void everyContainerRequestsCpuAndMemoryAndHasAMemoryLimit(Scenarios scenario) {
        for (Workloads.Pod pod : Workloads.of(scenario.objects()).allPods()) {
            pod.allContainers().forEach(c -> {
                String what = pod.owner() + "/" + c.getName();
                Map<String, Quantity> requests = c.getResources().getRequests();
                Map<String, Quantity> limits = c.getResources().getLimits();
                assertThat(requests).as(what + " requests").containsKeys("cpu", "memory");
                assertThat(limits).as(what + " limits").containsKey("memory");
                // every quantity is a real Kubernetes quantity
                requests.values()
                        .forEach(
                                q -> assertThat(q.getNumericalAmount().signum()).isPositive());
                limits.values()
                        .forEach(
                                q -> assertThat(q.getNumericalAmount().signum()).isPositive());
                assertThat(limits.get("memory").getNumericalAmount())
                        .as(what + " memory limit >= request")
                        .isGreaterThanOrEqualTo(requests.get("memory").getNumericalAmount());
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void imagesArePinnedToATag(Scenarios scenario) {
        for (Workloads.Pod pod : Workloads.of(scenario.objects()).allPods()) {
            pod.allContainers()
                    .forEach(c -> assertThat(c.getImage())
                            .as(pod.owner() + "/" + c.getName())
                            .matches("[^\\s]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})")
                            .doesNotEndWith(":latest"));
        }
    }

    // ---------------------------------------------------------------- GPU

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void gpuLimitsOnInferenceContainersOnly(Scenarios scenario) {
        Workloads w = Workloads.of(scenario.objects());
        boolean gpuDevice = scenario != Scenarios.VARIANTS; // VARIANTS runs inference on CPU
        for (Workloads.Pod pod : w.allPods()) {
            pod.allContainers().forEach(c -> {
                String what = pod.owner() + "/" + c.getName();
                boolean inferenceMain =
                        pod.owner().contains("-inference-") && c.getName().equals("inference");
                Map<String, Quantity> limits = c.getResources().getLimits();
                if (inferenceMain && gpuDevice) {
                    assertThat(limits).as(what).containsEntry(GPU, new Quantity("1"));
                    assertThat(pod.spec().getTolerations())
                            .as(what + " tolerates GPU taint")
                            .anySatisfy(t -> assertThat(t.getKey()).isEqualTo(GPU));
                    assertThat(pod.spec().getNodeSelector())
                            .as(what + " GPU node selector")
                            .isNotEmpty();
                } else {
                    assertThat(limits).as(what).doesNotContainKey(GPU);
                    assertThat(c.getResources().getRequests()).as(what).doesNotContainKey(GPU);
                }
            });
        }
        if (!gpuDevice) {
            assertThat(w.servicePods())
                    .allSatisfy(p -> assertThat(p.spec().getTolerations())
                            .noneSatisfy(t -> assertThat(t.getKey()).isEqualTo(GPU)));
        }
    }

    @Test
    void statInferenceMayPreemptBatchInferenceForGpus() {
        List<Chart.Obj> objects = Scenarios.PRODUCTION.objects();
        Map<String, Integer> priority = ofKind(objects, "PriorityClass").stream()
                .map(o -> (io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass) StrictModels.parse(o))
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getValue()));
        Workloads w = Workloads.of(objects);
        String stat = w.deployment("-inference-stat")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getPriorityClassName();
        String batch = w.deployment("-inference-batch")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getPriorityClassName();
        assertThat(priority).containsKeys(stat, batch);
        assertThat(priority.get(stat)).isGreaterThan(priority.get(batch));
        assertThat(ofKind(Scenarios.DEFAULT.objects(), "PriorityClass"))
                .as("cluster-scoped: opt-in")
                .isEmpty();
    }

    @Test
    void extraVolumesReachThePod() {
        Deployment report = Workloads.of(Scenarios.VARIANTS.objects()).deployment("-report");
        assertThat(volume(report, "db-ca").getSecret().getSecretName()).isEqualTo("cxr-db-ca");
        assertThat(report.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/cxr/db-ca"));
    }

    @Test
    void gpuCountAndResourceNameComeFromValues() {
        Workloads w = Workloads.of(
                Chart.render(c -> c.set("inference.gpu.count", 2).set("inference.gpu.resourceName", "amd.com/gpu")));
        assertThat(w.deployment("-inference-stat")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getResources()
                        .getLimits())
                .containsEntry("amd.com/gpu", new Quantity("2"))
                .doesNotContainKey(GPU);
    }

    // ---------------------------------------------------------------- lanes and autoscaling

    @Test
    void twoInferenceDeploymentsFromOneTemplateWithTheirLanes() {
        Workloads w = Workloads.of(Scenarios.DEFAULT.objects());
        assertThat(env(w.deployment("-inference-stat")))
                .containsEntry("CXR_INFERENCE_LANES", "stat")
                .containsEntry("CXR_ENGINE_SLOTS", "4")
                .containsEntry("CXR_MODEL_DEVICE", "gpu")
                .doesNotContainKeys("CXR_ENGINE_MEMORY", "CXR_ENGINE_RESERVED_STAT_SLOTS");
        assertThat(env(w.deployment("-inference-batch")))
                .containsEntry("CXR_INFERENCE_LANES", "routine")
                .containsEntry("CXR_ENGINE_SLOTS", "16")
                .containsEntry("CXR_MODEL_DTYPE", "fp16");
        assertThat(env(w.deployment("-inference-stat")))
                .as("no static batching settings are rendered")
                .doesNotContainKeys("CXR_INFERENCE_STAT_BATCH_SIZE", "CXR_INFERENCE_STAT_MAX_WAIT");
        Map<String, String> tuned = env(Workloads.of(Chart.render(c -> c.set("inference.engine.memory", "20G")
                        .set("inference.engine.reservedStatSlots", 0)
                        .set("inference.lanes.batch.engine.prefillChunk", 128)))
                .deployment("-inference-batch"));
        assertThat(tuned)
                .as("engine values, common and per lane, reach the service; 0 is a value")
                .containsEntry("CXR_ENGINE_MEMORY", "20G")
                .containsEntry("CXR_ENGINE_RESERVED_STAT_SLOTS", "0")
                .containsEntry("CXR_ENGINE_PREFILL_CHUNK", "128")
                .containsEntry("CXR_ENGINE_SLOTS", "16");
        assertThat(configMap(Scenarios.DEFAULT.objects(), "-inference").getData())
                .containsEntry("CXR_INFERENCE_GROUP_ID", "cxr-inference");
        assertThat(env(w.deployment("-inference-stat")))
                .containsEntry("CXR_INFERENCE_LANE_NAME", "stat")
                .doesNotContainKey("CXR_MODEL_CPU_THREADS");
        assertThat(env(Workloads.of(Scenarios.VARIANTS.objects()).deployment("-inference-batch")))
                .containsEntry("CXR_MODEL_DEVICE", "cpu")
                .containsEntry("CXR_MODEL_CPU_THREADS", "8");
    }

    @Test
    void theInferenceImageIsTheBuildOfItsDevice() {
        String gpu = Workloads.of(Scenarios.DEFAULT.objects())
                .deployment("-inference-batch")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
        String cpu = Workloads.of(Scenarios.VARIANTS.objects())
                .deployment("-inference-batch")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
        assertThat(gpu).contains("/inference-service-cuda:");
        assertThat(cpu).contains("/inference-service:");
    }

    @ParameterizedTest
    @EnumSource(
            value = Scenarios.class,
            names = {"DEFAULT", "PRODUCTION", "VARIANTS"})
    void kedaScalesEachLaneOnItsConsumerGroupLag(Scenarios scenario) {
        List<Chart.Obj> objects = scenario.objects();
        ConfigMap inferenceConfig = configMap(objects, "-inference");
        List<Chart.Obj> scaledObjects = ofKind(objects, "ScaledObject");
        assertThat(scaledObjects)
                .extracting(Chart.Obj::name)
                .containsExactlyInAnyOrder("cxr-cxr-platform-inference-stat", "cxr-cxr-platform-inference-batch");
        assertThat(ofKind(objects, "HorizontalPodAutoscaler"))
                .as("no HPA next to KEDA")
                .isEmpty();
        for (Chart.Obj so : scaledObjects) {
            assertThat(so.at("/spec/scaleTargetRef/name").asText()).isEqualTo(so.name());
            JsonNode trigger = so.at("/spec/triggers/0");
            assertThat(trigger.path("type").asText()).isEqualTo("kafka");
            String lane = so.name().endsWith("-stat") ? "STAT" : "ROUTINE";
            // the service consumes lane L with group <cxr.inference.group-id>-L
            assertThat(trigger.at("/metadata/consumerGroup").asText())
                    .as("KEDA watches the group the pods use")
                    .isEqualTo(inferenceConfig.getData().get("CXR_INFERENCE_GROUP_ID") + "-"
                            + lane.toLowerCase(java.util.Locale.ROOT));
            assertThat(trigger.at("/metadata/topic").asText())
                    .as("contracts Topics")
                    .isEqualTo(lane.equals("STAT") ? "cxr.studies.stat" : "cxr.studies.routine");
            Deployment target = Workloads.of(objects)
                    .deployment(so.name().substring(so.name().lastIndexOf('-')));
            assertThat(env(target).get("CXR_INFERENCE_LANES"))
                    .as("the scaled Deployment reads the lane")
                    .contains(lane.toLowerCase(java.util.Locale.ROOT));
            assertThat(trigger.at("/metadata/bootstrapServers").asText()).isNotBlank();
        }
        Chart.Obj batch = byName(scaledObjects, "-inference-batch");
        assertThat(batch.at("/spec/minReplicaCount").asInt())
                .as("batch scales to zero")
                .isZero();
        assertThat(byName(scaledObjects, "-inference-stat")
                        .at("/spec/minReplicaCount")
                        .asInt())
                .as("stat always on")
                .isPositive();
        // the autoscaler owns replicas: a helm upgrade must not reset them
        Workloads.of(objects).deployments().stream()
                .filter(ChartPolicyTest::isInference)
                .forEach(d -> assertThat(d.getSpec().getReplicas())
                        .as(d.getMetadata().getName())
                        .isNull());
    }

    @Test
    void lagThresholdsAndReplicaBoundsComeFromValues() {
        List<Chart.Obj> objects = Chart.render(c -> c.set("inference.lanes.stat.autoscaling.lagThreshold", 7)
                .set("inference.lanes.stat.autoscaling.maxReplicaCount", 9)
                .set("inference.lanes.batch.autoscaling.lagThreshold", 333)
                .set("inference.lanes.batch.autoscaling.activationLagThreshold", 11)
                .set("inference.lanes.batch.autoscaling.maxReplicaCount", 21));
        Chart.Obj stat = byName(ofKind(objects, "ScaledObject"), "-inference-stat");
        Chart.Obj batch = byName(ofKind(objects, "ScaledObject"), "-inference-batch");
        assertThat(stat.at("/spec/triggers/0/metadata/lagThreshold").asText()).isEqualTo("7");
        assertThat(stat.at("/spec/maxReplicaCount").asInt()).isEqualTo(9);
        assertThat(batch.at("/spec/triggers/0/metadata/lagThreshold").asText()).isEqualTo("333");
        assertThat(batch.at("/spec/triggers/0/metadata/activationLagThreshold").asText())
                .isEqualTo("11");
        assertThat(batch.at("/spec/maxReplicaCount").asInt()).isEqualTo(21);
        assertThat(batch.at("/spec/minReplicaCount").asInt()).isZero();
        objects.stream()
                .filter(o -> o.kind().equals("ScaledObject"))
                .forEach(o -> assertThat(CrdSchemas.validate(o)).as(o.id()).isEmpty());

        List<Chart.Obj> hpa = Chart.render(c -> c.set("keda.enabled", false)
                .set("hpaFallback.metric", "external")
                .set("inference.lanes.batch.autoscaling.lagThreshold", 333));
        HorizontalPodAutoscaler batchHpa = (HorizontalPodAutoscaler)
                StrictModels.parse(byName(ofKind(hpa, "HorizontalPodAutoscaler"), "-inference-batch"));
        assertThat(batchHpa.getSpec()
                        .getMetrics()
                        .get(0)
                        .getExternal()
                        .getTarget()
                        .getAverageValue())
                .isEqualTo(new Quantity("333"));
        assertThat(batchHpa.getSpec()
                        .getMetrics()
                        .get(0)
                        .getExternal()
                        .getMetric()
                        .getSelector()
                        .getMatchLabels())
                .containsEntry("consumergroup", "cxr-inference-routine")
                .containsEntry("topic", "cxr.studies.routine");
    }

    @ParameterizedTest
    @EnumSource(
            value = Scenarios.class,
            names = {"HPA_CPU", "HPA_EXTERNAL"})
    void hpaFallbackWhenKedaIsAbsent(Scenarios scenario) {
        List<Chart.Obj> objects = scenario.objects();
        assertThat(ofKind(objects, "ScaledObject")).isEmpty();
        assertThat(ofKind(objects, "TriggerAuthentication")).isEmpty();
        List<HorizontalPodAutoscaler> hpas = ofKind(objects, "HorizontalPodAutoscaler").stream()
                .map(o -> (HorizontalPodAutoscaler) StrictModels.parse(o))
                .toList();
        assertThat(hpas).hasSize(2);
        for (HorizontalPodAutoscaler h : hpas) {
            assertThat(h.getSpec().getScaleTargetRef().getName())
                    .isEqualTo(h.getMetadata().getName());
            assertThat(h.getSpec().getMinReplicas())
                    .as("an HPA cannot scale to zero")
                    .isGreaterThanOrEqualTo(1);
            String type = h.getSpec().getMetrics().get(0).getType();
            assertThat(type).isEqualTo(scenario == Scenarios.HPA_CPU ? "Resource" : "External");
        }
    }

    @Test
    void fixedReplicasWhenNoAutoscaler() {
        Workloads w = Workloads.of(Scenarios.FIXED_REPLICAS.objects());
        assertThat(w.deployment("-inference-stat").getSpec().getReplicas()).isEqualTo(1);
        assertThat(w.deployment("-inference-batch").getSpec().getReplicas()).isZero();
        assertThat(ofKind(Scenarios.FIXED_REPLICAS.objects(), "HorizontalPodAutoscaler"))
                .isEmpty();
    }

    // ---------------------------------------------------------------- disruption budgets, services

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void everyServiceWorkloadHasAPodDisruptionBudgetSelectingItsPods(Scenarios scenario) {
        List<PodDisruptionBudget> pdbs = ofKind(scenario.objects(), "PodDisruptionBudget").stream()
                .map(o -> (PodDisruptionBudget) StrictModels.parse(o))
                .toList();
        Workloads w = Workloads.of(scenario.objects());
        List<Map<String, String>> podLabels = new java.util.ArrayList<>();
        w.deployments()
                .forEach(d ->
                        podLabels.add(d.getSpec().getTemplate().getMetadata().getLabels()));
        w.statefulSets()
                .forEach(s ->
                        podLabels.add(s.getSpec().getTemplate().getMetadata().getLabels()));
        for (Map<String, String> labels : podLabels) {
            assertThat(pdbs)
                    .as("PDB for pods " + labels)
                    .filteredOn(p -> labels.entrySet()
                            .containsAll(
                                    p.getSpec().getSelector().getMatchLabels().entrySet()))
                    .hasSize(1);
        }
    }

    @Test
    void dicomPortIsExposedAsConfigured() {
        Service def = service(Scenarios.DEFAULT.objects(), "-ingest-dicom");
        assertThat(def.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(def.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(11112);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("dicom");
        });
        Service prod = service(Scenarios.PRODUCTION.objects(), "-ingest-dicom");
        assertThat(prod.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(prod.getSpec().getLoadBalancerSourceRanges()).containsExactly("10.50.0.0/16", "10.60.2.0/28");
        assertThat(prod.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        Service nodePort = service(Scenarios.VARIANTS.objects(), "-ingest-dicom");
        assertThat(nodePort.getSpec().getType()).isEqualTo("NodePort");
        assertThat(nodePort.getSpec().getPorts().get(0).getNodePort()).isEqualTo(31112);

        // env names are the SmallRye mapping of cxr.ingest.* (IngestConfig)
        ConfigMap ingest = configMap(Scenarios.PRODUCTION.objects(), "-ingest");
        assertThat(ingest.getData())
                .containsEntry("CXR_INGEST_AE_TITLE", "CXR_AI")
                .containsEntry("CXR_INGEST_DICOM_PORT", "11112")
                .containsEntry("CXR_INGEST_ALLOWED_CALLING_AES", "ROUTER1,ROUTER2,CR_ER1,PACS_ARCHIVE")
                .containsEntry("CXR_INGEST_LANES_STAT_CALLING_AES", "CR_ER1")
                .containsEntry("CXR_INGEST_DATA_DIR", "/var/lib/cxr/ingest")
                .containsEntry("CXR_INGEST_BACKLOG_PACS_HOST", "pacs.hospital.example");
        // empty lists are left out (an empty value would not mean "any" to every config reader)
        assertThat(configMap(Scenarios.DEFAULT.objects(), "-ingest").getData())
                .doesNotContainKey("CXR_INGEST_ALLOWED_CALLING_AES")
                .doesNotContainKey("CXR_INGEST_BACKLOG_PACS_HOST");
    }

    @Test
    void ingestSpoolIsAPersistentVolumePerReplica() {
        var ingest = Workloads.of(Scenarios.PRODUCTION.objects()).statefulSets().get(0);
        assertThat(ingest.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(pvc -> {
            assertThat(pvc.getMetadata().getName()).isEqualTo("spool");
            assertThat(pvc.getSpec().getResources().getRequests().get("storage"))
                    .isEqualTo(new Quantity("100Gi"));
            assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        });
        assertThat(ingest.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
                .isEqualTo("Retain");
        assertThat(ingest.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/cxr/ingest"));
    }

    /**
     * ingest answers a C-STORE once the instance is fsync'd in its spool (acknowledge=SPOOL, its default): until
     * Kafka has it, the spool holds the only copy, so by default it is a claim that outlives the pod, not an emptyDir.
     */
    @Test
    void ingestSpoolIsAPersistentVolumeByDefaultAndAnEmptyDirOnlyWhenTurnedOff() {
        var ingest = ingestStatefulSet(Scenarios.DEFAULT);
        assertThat(ingest.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(pvc -> {
            assertThat(pvc.getMetadata().getName()).isEqualTo("spool");
            assertThat(pvc.getSpec().getResources().getRequests().get("storage"))
                    .isEqualTo(new Quantity("20Gi"));
        });
        assertThat(ingest.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
                .isEqualTo("Retain");
        var pod = ingest.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).noneSatisfy(v -> assertThat(v.getName()).isEqualTo("spool"));
        assertThat(pod.getContainers().get(0).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("spool");
            assertThat(m.getMountPath()).isEqualTo("/var/lib/cxr/ingest");
        });

        var off = ingestStatefulSet(Scenarios.VARIANTS);
        assertThat(off.getSpec().getVolumeClaimTemplates()).isNullOrEmpty();
        assertThat(off.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("spool"))
                .singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    }

    private static io.fabric8.kubernetes.api.model.apps.StatefulSet ingestStatefulSet(Scenarios scenario) {
        return Workloads.of(scenario.objects()).statefulSets().stream()
                .filter(s -> s.getMetadata().getName().endsWith("-ingest"))
                .findFirst()
                .orElseThrow();
    }

    // ---------------------------------------------------------------- model volume

    @Test
    void modelFolderFromAReadOnlyClaimOrAnInitContainer() {
        Deployment pvc = Workloads.of(Scenarios.PRODUCTION.objects()).deployment("-inference-stat");
        Volume model = volume(pvc, "model");
        assertThat(model.getPersistentVolumeClaim().getClaimName()).isEqualTo("cxr-llava-v2-weights");
        assertThat(model.getPersistentVolumeClaim().getReadOnly()).isTrue();
        assertThat(configMap(Scenarios.PRODUCTION.objects(), "-inference").getData())
                .containsEntry("CXR_MODEL_DIR", "/models/cxr-llava-v2-7b");

        Deployment init = Workloads.of(Scenarios.VARIANTS.objects()).deployment("-inference-batch");
        assertThat(volume(init, "model").getEmptyDir()).isNotNull();
        Container fetch =
                init.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertThat(fetch.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("CXR_MODEL_DIR");
            assertThat(e.getValue()).isEqualTo("/models/cxr-llava-v2-7b");
        });
        assertThat(fetch.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getName()).isEqualTo("model"));

        Deployment bundled = Workloads.of(Scenarios.DEFAULT.objects()).deployment("-inference-stat");
        assertThat(bundled.getSpec().getTemplate().getSpec().getVolumes())
                .noneSatisfy(v -> assertThat(v.getName()).isEqualTo("model"));
        assertThat(configMap(Scenarios.DEFAULT.objects(), "-inference").getData())
                .doesNotContainKey("CXR_MODEL_DIR");
    }

    // ---------------------------------------------------------------- topics, secrets, config

    @Test
    void topicJobCreatesTheFiveTopicsWithPartitionsAndReplicationFromValues() {
        String script = Workloads.of(Scenarios.DEFAULT.objects())
                .topicJobContainer()
                .getArgs()
                .get(0);
        for (String topic :
                List.of("cxr.studies.stat", "cxr.studies.routine", "cxr.reports", "cxr.alerts", "cxr.dlq")) {
            assertThat(script).contains("--topic \"" + topic + "\"");
        }
        assertThat(script)
                .contains("--create --if-not-exists")
                .contains("--replication-factor 3")
                .contains("--partitions 24")
                .contains("min.insync.replicas=2");
        String custom = Workloads.of(Chart.render(
                        c -> c.set("topics.defaults.replicationFactor", 1).set("topics.defaults.minInsyncReplicas", 1)))
                .topicJobContainer()
                .getArgs()
                .get(0);
        assertThat(custom).contains("--replication-factor 1").doesNotContain("--replication-factor 3");
    }

    @Test
    void secretsComeFromExistingSecretsInProductionAndAreNeverInConfigMaps() {
        assertThat(ofKind(Scenarios.PRODUCTION.objects(), "Secret")).isEmpty();
        Deployment report = Workloads.of(Scenarios.PRODUCTION.objects()).deployment("-report");
        EnvVar password = report.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("QUARKUS_DATASOURCE_PASSWORD"))
                .findFirst()
                .orElseThrow();
        assertThat(password.getValue()).isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("cxr-database");
        assertThat(ofKind(Scenarios.VARIANTS.objects(), "Secret"))
                .extracting(Chart.Obj::name)
                .containsExactlyInAnyOrder("cxr-cxr-platform-database", "cxr-cxr-platform-kafka-client");
        for (Scenarios s : Scenarios.values()) {
            ofKind(s.objects(), "ConfigMap")
                    .forEach(cm -> assertThat(cm.node().toString())
                            .as(cm.id())
                            .doesNotContain("not-a-real-password")
                            .doesNotContainIgnoringCase("\"password\""));
        }
    }

    @Test
    void reportServiceGetsDatabaseRisPacsAndJwtSettingsUnderItsConfigKeys() {
        ConfigMap report = configMap(Scenarios.PRODUCTION.objects(), "-report");
        // env names are the SmallRye mapping of cxr.report.* (e.g. cxr.report.ris.endpoints[0].host)
        assertThat(report.getData())
                .containsEntry(
                        "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://pg-reports.db.example:5432/cxr_reports")
                // TLS from externalDatabase.tls (TransportTlsChartTest)
                .containsEntry("QUARKUS_DATASOURCE_JDBC_ADDITIONAL_JDBC_PROPERTIES_SSLMODE", "verify-full")
                .containsEntry("QUARKUS_DATASOURCE_USERNAME", "cxr_app")
                .containsEntry("CXR_REPORT_DEV_AUTH", "false")
                .containsEntry("CXR_REPORT_RIS_ENDPOINTS_0__HOST", "ris.hospital.example")
                .containsEntry("CXR_REPORT_RIS_ENDPOINTS_0__PORT", "2575")
                .containsEntry("CXR_REPORT_PACS_ENABLED", "true")
                .containsEntry("CXR_REPORT_PACS_PORT", "104")
                .containsEntry("CXR_REPORT_PACS_AE_TITLE", "PACS_ARCHIVE")
                .containsEntry("MP_JWT_VERIFY_ISSUER", "https://sso.hospital.example/realms/radiology");
        assertThat(configMap(Scenarios.DEFAULT.objects(), "-report").getData())
                .containsEntry("CXR_REPORT_PACS_ENABLED", "false")
                .doesNotContainKey("CXR_REPORT_FHIR_PUSH_URL")
                .doesNotContainKey("MP_JWT_VERIFY_ISSUER");
    }

    @Test
    void bundledKafkaAndPostgresqlAreFoundByTheirReleaseServiceNames() {
        List<Chart.Obj> objects = Scenarios.BUNDLED.objects();
        String bootstrap = "cxr-kafka.radiology.svc.cluster.local:9092";
        assertThat(env(Workloads.of(objects).deployment("-inference-stat")))
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", bootstrap)
                .doesNotContainKey("KAFKA_SECURITY_PROTOCOL");
        assertThat(ofKind(objects, "ScaledObject"))
                .allSatisfy(so -> assertThat(so.at("/spec/triggers/0/metadata/bootstrapServers")
                                .asText())
                        .isEqualTo(bootstrap));
        assertThat(configMap(objects, "-report").getData())
                .containsEntry(
                        "QUARKUS_DATASOURCE_JDBC_URL",
                        "jdbc:postgresql://cxr-postgresql.radiology.svc.cluster.local:5432/cxr_reports");
        EnvVar password = Workloads.of(objects)
                .deployment("-report")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .stream()
                .filter(e -> e.getName().equals("QUARKUS_DATASOURCE_PASSWORD"))
                .findFirst()
                .orElseThrow();
        assertThat(password.getValueFrom().getSecretKeyRef().getName())
                .as("the Bitnami chart's Secret")
                .isEqualTo("cxr-postgresql");
        assertThat(ofKind(objects, "Secret")).isEmpty();
        NetworkPolicy report = policy(
                ofKind(objects, "NetworkPolicy").stream()
                        .map(o -> (NetworkPolicy) StrictModels.parse(o))
                        .toList(),
                "-report");
        assertThat(report.getSpec().getEgress())
                .anySatisfy(r -> assertThat(r.getTo())
                        .anySatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                                .containsEntry("app.kubernetes.io/name", "kafka")
                                .containsEntry("app.kubernetes.io/instance", "cxr")));
        assertThat(report.getSpec().getEgress())
                .anySatisfy(r -> assertThat(r.getTo())
                        .anySatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                                .containsEntry("app.kubernetes.io/name", "postgresql")));
    }

    // ---------------------------------------------------------------- network policy

    @ParameterizedTest
    @EnumSource(
            value = Scenarios.class,
            names = {"DEFAULT", "PRODUCTION", "VARIANTS", "EXPOSED"})
    void networkPoliciesDenyByDefaultAndCoverEveryPod(Scenarios scenario) {
        List<NetworkPolicy> policies = ofKind(scenario.objects(), "NetworkPolicy").stream()
                .map(o -> (NetworkPolicy) StrictModels.parse(o))
                .toList();
        NetworkPolicy deny = policies.stream()
                .filter(p -> p.getMetadata().getName().endsWith("-default-deny"))
                .findFirst()
                .orElseThrow();
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isEmpty();
        assertThat(deny.getSpec().getEgress()).isEmpty();
        for (Workloads.Pod pod : Workloads.of(scenario.objects()).allPods()) {
            Map<String, String> labels = podLabels(scenario, pod.owner());
            assertThat(labels.entrySet())
                    .as(pod.owner() + " under default deny")
                    .containsAll(
                            deny.getSpec().getPodSelector().getMatchLabels().entrySet());
            List<NetworkPolicy> allowing = policies.stream()
                    .filter(p -> p != deny
                            && labels.entrySet()
                                    .containsAll(p.getSpec()
                                            .getPodSelector()
                                            .getMatchLabels()
                                            .entrySet()))
                    .toList();
            assertThat(allowing).as(pod.owner() + " allow policy").hasSize(1);
            List<NetworkPolicyEgressRule> egress = allowing.get(0).getSpec().getEgress();
            assertThat(egress)
                    .as(pod.owner() + " DNS")
                    .anySatisfy(r -> assertThat(r.getPorts())
                            .anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(53)));
        }
    }

    @Test
    void productionNetworkPoliciesOpenOnlyTheConfiguredPeers() {
        List<NetworkPolicy> policies = ofKind(Scenarios.PRODUCTION.objects(), "NetworkPolicy").stream()
                .map(o -> (NetworkPolicy) StrictModels.parse(o))
                .toList();
        NetworkPolicy ingest = policy(policies, "-ingest");
        assertThat(ingest.getSpec().getIngress()).anySatisfy(r -> {
            assertThat(r.getPorts())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(11112));
            assertThat(r.getFrom())
                    .extracting(f -> f.getIpBlock().getCidr())
                    .containsExactly("10.50.0.0/16", "10.60.2.0/28");
        });
        assertThat(egressCidrsOnPort(ingest, 104))
                .as("PACS for backlog C-FIND/C-MOVE")
                .containsExactly("10.60.2.0/28");
        NetworkPolicy report = policy(policies, "-report");
        assertThat(egressCidrsOnPort(report, 2575)).as("RIS").containsExactly("10.60.1.15/32");
        assertThat(egressCidrsOnPort(report, 104)).as("PACS").containsExactly("10.60.2.0/28");
        assertThat(egressCidrsOnPort(report, 5432)).as("PostgreSQL").containsExactly("10.20.40.10/32");
        assertThat(egressCidrsOnPort(report, 9093)).as("Kafka").containsExactly("10.20.30.0/24");
        assertThat(egressCidrsOnPort(report, 6514)).as("audit collector").containsExactly("10.70.9.5/32");
        assertThat(egressCidrsOnPort(ingest, 6514)).as("audit collector").containsExactly("10.70.9.5/32");
        NetworkPolicy inference = policy(policies, "-inference");
        assertThat(egressCidrsOnPort(inference, 9093)).containsExactly("10.20.30.0/24");
        assertThat(inference.getSpec().getEgress())
                .as("inference talks to DNS and Kafka only")
                .hasSize(2);
        assertThat(egressCidrsOnPort(inference, 5432)).isEmpty();
        for (NetworkPolicy p : List.of(ingest, report, inference)) {
            assertThat(p.getSpec().getIngress())
                    .as(p.getMetadata().getName() + " Prometheus scrape")
                    .anySatisfy(r -> {
                        assertThat(r.getPorts())
                                .anySatisfy(port ->
                                        assertThat(port.getPort().getIntVal()).isEqualTo(8080));
                        assertThat(r.getFrom())
                                .anySatisfy(
                                        f -> assertThat(f.getNamespaceSelector().getMatchLabels())
                                                .containsEntry("kubernetes.io/metadata.name", "monitoring"));
                    });
        }
    }

    // ---------------------------------------------------------------- observability

    @Test
    void monitorsAndDashboardAreRenderedOnDemand() throws Exception {
        assertThat(ofKind(Scenarios.DEFAULT.objects(), "ServiceMonitor")).isEmpty();
        Chart.Obj sm = ofKind(Scenarios.PRODUCTION.objects(), "ServiceMonitor").get(0);
        assertThat(sm.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(sm.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        // every Service the ServiceMonitor selects is a metrics Service, one per component
        assertThat(ofKind(Scenarios.PRODUCTION.objects(), "Service").stream()
                        .filter(s -> "true"
                                .equals(s.at("/metadata/labels/cxr.platform~1metrics")
                                        .asText()))
                        .map(Chart.Obj::name))
                .containsExactlyInAnyOrder(
                        "cxr-cxr-platform-ingest", "cxr-cxr-platform-inference", "cxr-cxr-platform-report");
        assertThat(ofKind(Scenarios.VARIANTS.objects(), "PodMonitor")).hasSize(1);

        ConfigMap dashboard = configMap(Scenarios.PRODUCTION.objects(), "-dashboard");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dashboard.getData().get("cxr-platform.json"));
        String exprs = json.findValues("expr").stream().map(JsonNode::asText).collect(Collectors.joining("\n"));
        assertThat(exprs)
                .contains(
                        "kafka_consumergroup_lag",
                        "cxr_inference_e2e_seconds_bucket{lane=\"stat\"",
                        "cxr_reports_published_total",
                        "cxr_dlq_total",
                        "cxr_ris_outbox_pending");
        assertThat(json.path("panels")).hasSizeGreaterThanOrEqualTo(5);
    }

    // ---------------------------------------------------------------- values the chart refuses

    @Test
    void templateRefusesContradictoryOrMissingValues() {
        assertThatThrownBy(() -> Chart.template(
                        c -> c.set("metrics.serviceMonitor.enabled", true).set("metrics.podMonitor.enabled", true)))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> Chart.template(c -> c.set("externalDatabase.existingSecret", "")))
                .hasMessageContaining("externalDatabase.password");
        assertThatThrownBy(() -> Chart.template(c -> c.set("inference.lanes.stat.scaleOn", "urgent")))
                .hasMessageContaining("scaleOn");
        assertThatThrownBy(() -> Chart.template(c -> c.set("inference.lanes.batch.autoscaling.lagThreshold", 0)))
                .hasMessageContaining("lagThreshold");
        assertThatThrownBy(() -> Chart.template(c -> c.set("ingest.dicomService.type", "External")))
                .hasMessageContaining("dicomService");
        assertThatThrownBy(() -> Chart.template(c -> c.set("inferance.device", "cpu")))
                .as("misspelt top-level key")
                .hasMessageContaining("inferance");
        assertThatThrownBy(() -> Chart.template(c -> c.set("inference.device", "cpu")))
                .as("CPU with the fp16 default")
                .hasMessageContaining("fp32");
        assertThatThrownBy(() -> Chart.template(c -> c.set("inference.dtype", "bf16")))
                .as("bf16, which DJL cannot create")
                .hasMessageContaining("dtype");
        assertThatThrownBy(() -> Chart.template(c -> c.set("inference.lanes.batch.batching.routine.batchSize", 16)))
                .as("static batching values from before continuous batching")
                .hasMessageContaining("inference.lanes.batch.batching was replaced by inference.lanes.batch.engine");
        assertThatThrownBy(() -> Chart.template(c -> c.set("inference.engine.memory", "lots")))
                .as("a memory size the service cannot read")
                .hasMessageContaining("memory");
    }

    // ---------------------------------------------------------------- helpers

    private static boolean isInference(Deployment d) {
        return "inference"
                .equals(d.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/component"));
    }

    private static void assertHttpProbe(String what, Probe probe, String path) {
        assertThat(probe).as(what).isNotNull();
        assertThat(probe.getHttpGet()).as(what + " httpGet").isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(what + " path").isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(what + " port").isEqualTo("http");
        assertThat(probe.getPeriodSeconds()).as(what + " period").isPositive();
        assertThat(probe.getFailureThreshold()).as(what + " failureThreshold").isPositive();
    }

    private static Map<String, String> env(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
    }

    private static Volume volume(Deployment d, String name) {
        return d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no volume " + name + " in " + d.getMetadata().getName()));
    }

    static List<Chart.Obj> ofKind(List<Chart.Obj> objects, String kind) {
        return objects.stream().filter(o -> o.kind().equals(kind)).toList();
    }

    private static Chart.Obj byName(List<Chart.Obj> objects, String suffix) {
        return objects.stream()
                .filter(o -> o.name().endsWith(suffix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no object *" + suffix));
    }

    /** The ConfigMap whose name ends with {@code suffix} (e.g. {@code -report}), strictly parsed. */
    static ConfigMap configMap(List<Chart.Obj> objects, String suffix) {
        return (ConfigMap) StrictModels.parse(byName(ofKind(objects, "ConfigMap"), suffix));
    }

    private static Service service(List<Chart.Obj> objects, String suffix) {
        return (Service) StrictModels.parse(byName(ofKind(objects, "Service"), suffix));
    }

    private static NetworkPolicy policy(List<NetworkPolicy> policies, String suffix) {
        return policies.stream()
                .filter(p -> p.getMetadata().getName().endsWith(suffix))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void auditCollectorReachesBothServicesConfigurationOnlyWhenSet() {
        for (String service : List.of("-report", "-ingest")) {
            assertThat(configMap(Scenarios.PRODUCTION.objects(), service).getData())
                    .containsEntry("CXR_AUDIT_SYSLOG_HOST", "siem.hospital.example")
                    .containsEntry("CXR_AUDIT_SYSLOG_PORT", "6514")
                    .containsEntry("CXR_AUDIT_SYSLOG_PROTOCOL", "tls")
                    .containsEntry("CXR_AUDIT_SYSLOG_TRUST_CERTS", "/etc/cxr/audit-ca/ca.pem")
                    .containsEntry("CXR_AUDIT_SITE_ID", "HOSPITAL-EXAMPLE");
            assertThat(configMap(Scenarios.DEFAULT.objects(), service).getData())
                    .doesNotContainKeys("CXR_AUDIT_SYSLOG_HOST", "CXR_AUDIT_SITE_ID");
        }
    }

    private static List<String> egressCidrsOnPort(NetworkPolicy policy, int port) {
        return policy.getSpec().getEgress().stream()
                .filter(r -> r.getPorts().stream()
                        .anyMatch(p -> p.getPort() != null
                                && Objects.equals(p.getPort().getIntVal(), port)))
                .flatMap(r -> r.getTo().stream())
                .map(NetworkPolicyPeer::getIpBlock)
                .filter(Objects::nonNull)
                .map(b -> b.getCidr())
                .toList();
    }

    private static Map<String, String> podLabels(Scenarios scenario, String owner) {
        Workloads w = Workloads.of(scenario.objects());
        return w.allPods().stream()
                .filter(p -> p.owner().equals(owner))
                .findFirst()
                .map(p -> {
                    for (Deployment d : w.deployments()) {
                        if (d.getMetadata().getName().equals(owner)) {
                            return d.getSpec().getTemplate().getMetadata().getLabels();
                        }
                    }
                    for (var s : w.statefulSets()) {
                        if (s.getMetadata().getName().equals(owner)) {
                            return s.getSpec().getTemplate().getMetadata().getLabels();
                        }
                    }
                    for (var j : w.jobs()) {
                        if (j.getMetadata().getName().equals(owner)) {
                            return j.getSpec().getTemplate().getMetadata().getLabels();
                        }
                    }
                    throw new AssertionError(owner);
                })
                .orElseThrow();
    }
}

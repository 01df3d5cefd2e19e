package org.cxrplatform.containers;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One container of a rendered workload, as a container engine must run it: everything here is read
 * from the chart's manifests, nothing is written by hand. Pod and container security contexts are
 * merged as the kubelet merges them (the container's wins); {@code envFrom} ConfigMaps come first and
 * {@code env} overrides them; {@code valueFrom} references are resolved against the rendered
 * ConfigMaps and Secrets.
 *
 * @param owner     the Deployment, StatefulSet or Job (e.g. {@code cxr-cxr-platform-ingest})
 * @param container the container's name in the pod
 * @param user      runAsUser, or null for the image's user
 * @param group     runAsGroup, or null
 * @param fsGroup   the pod's fsGroup (a supplementary group owning the volumes), or null
 * @param tmpfs     emptyDir and persistent-volume mounts: path to size in bytes (0 = no limit)
 * @param files     ConfigMap volumes: mount path to file name to content
 * @param ports     named container ports
 * @param probes    startup, liveness, readiness: kind to probe
 */
record Workload(
        String owner,
        String container,
        String image,
        List<String> command,
        List<String> args,
        Map<String, String> env,
        Long user,
        Long group,
        Long fsGroup,
        boolean readOnlyRoot,
        List<String> droppedCapabilities,
        boolean noPrivilegeEscalation,
        String seccompProfile,
        Map<String, Long> tmpfs,
        Map<String, Map<String, String>> files,
        Map<String, Integer> ports,
        Map<String, HttpProbe> probes,
        long memoryLimitBytes) {

    /** An HTTP probe: path on a container port, and how long the kubelet waits for it in all. */
    record HttpProbe(String path, int port, int periodSeconds, int failureThreshold) {
        int budgetSeconds() {
            return periodSeconds * failureThreshold;
        }
    }

    static Workload of(
            String owner,
            PodSpec pod,
            Container c,
            Map<String, ConfigMap> configMaps,
            Map<String, Secret> secrets,
            List<PersistentVolumeClaim> claimTemplates) {
        PodSecurityContext psc = pod.getSecurityContext();
        SecurityContext sc = c.getSecurityContext();
        Long user =
                sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : psc == null ? null : psc.getRunAsUser();
        Long group = sc != null && sc.getRunAsGroup() != null
                ? sc.getRunAsGroup()
                : psc == null ? null : psc.getRunAsGroup();
        String seccomp = sc != null && sc.getSeccompProfile() != null
                ? sc.getSeccompProfile().getType()
                : psc != null && psc.getSeccompProfile() != null
                        ? psc.getSeccompProfile().getType()
                        : null;

        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom()) {
            env.putAll(configMap(configMaps, from.getConfigMapRef().getName()).getData());
        }
        for (EnvVar e : c.getEnv()) {
            env.put(e.getName(), value(e, configMaps, secrets));
        }

        Map<String, Integer> ports = new LinkedHashMap<>();
        for (ContainerPort p : c.getPorts()) {
            ports.put(p.getName(), p.getContainerPort());
        }
        Map<String, HttpProbe> probes = new LinkedHashMap<>();
        probes.put("startup", probe(c.getStartupProbe(), ports));
        probes.put("liveness", probe(c.getLivenessProbe(), ports));
        probes.put("readiness", probe(c.getReadinessProbe(), ports));
        probes.values().removeIf(java.util.Objects::isNull);

        Map<String, Long> tmpfs = new LinkedHashMap<>();
        Map<String, Map<String, String>> files = new LinkedHashMap<>();
        for (VolumeMount m : c.getVolumeMounts()) {
            Volume v = pod.getVolumes().stream()
                    .filter(x -> x.getName().equals(m.getName()))
                    .findFirst()
                    .orElse(null);
            if (v == null) {
                PersistentVolumeClaim claim = claimTemplates.stream()
                        .filter(t -> t.getMetadata().getName().equals(m.getName()))
                        .findFirst()
                        .orElseThrow(
                                () -> new IllegalStateException(owner + ": mount " + m.getName() + " has no volume"));
                tmpfs.put(
                        m.getMountPath(),
                        bytes(claim.getSpec().getResources().getRequests().get("storage")));
            } else if (v.getEmptyDir() != null) {
                tmpfs.put(m.getMountPath(), bytes(v.getEmptyDir().getSizeLimit()));
            } else if (v.getConfigMap() != null) {
                files.put(
                        m.getMountPath(),
                        configMap(configMaps, v.getConfigMap().getName()).getData());
            } else {
                throw new IllegalStateException(
                        owner + ": volume " + v.getName() + " of a kind this suite cannot run: " + v);
            }
        }
        Quantity memory = c.getResources() == null || c.getResources().getLimits() == null
                ? null
                : c.getResources().getLimits().get("memory");
        return new Workload(
                owner,
                c.getName(),
                c.getImage(),
                c.getCommand(),
                c.getArgs(),
                env,
                user,
                group,
                psc == null ? null : psc.getFsGroup(),
                sc != null && Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()),
                sc == null || sc.getCapabilities() == null
                        ? List.of()
                        : sc.getCapabilities().getDrop(),
                sc != null && Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()),
                seccomp,
                tmpfs,
                files,
                ports,
                probes,
                bytes(memory));
    }

    private static String value(EnvVar e, Map<String, ConfigMap> configMaps, Map<String, Secret> secrets) {
        if (e.getValueFrom() == null) {
            return e.getValue() == null ? "" : e.getValue();
        }
        if (e.getValueFrom().getConfigMapKeyRef() != null) {
            var ref = e.getValueFrom().getConfigMapKeyRef();
            return configMap(configMaps, ref.getName()).getData().get(ref.getKey());
        }
        var ref = e.getValueFrom().getSecretKeyRef();
        Secret s = secrets.get(ref.getName());
        if (s == null) {
            throw new IllegalStateException(
                    e.getName() + " refers to Secret " + ref.getName() + ", which the chart did not render");
        }
        if (s.getStringData() != null && s.getStringData().containsKey(ref.getKey())) {
            return s.getStringData().get(ref.getKey());
        }
        return new String(Base64.getDecoder().decode(s.getData().get(ref.getKey())), StandardCharsets.UTF_8);
    }

    private static ConfigMap configMap(Map<String, ConfigMap> configMaps, String name) {
        ConfigMap cm = configMaps.get(name);
        if (cm == null) {
            throw new IllegalStateException("ConfigMap " + name + " is not in the render");
        }
        return cm;
    }

    private static HttpProbe probe(Probe p, Map<String, Integer> ports) {
        if (p == null || p.getHttpGet() == null) {
            return null;
        }
        var port = p.getHttpGet().getPort();
        int number = port.getIntVal() != null ? port.getIntVal() : ports.get(port.getStrVal());
        return new HttpProbe(p.getHttpGet().getPath(), number, p.getPeriodSeconds(), p.getFailureThreshold());
    }

    private static long bytes(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).longValue();
    }

    /** The engine's arguments this workload needs, for people reading the log. */
    List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("user " + user + ":" + group + (fsGroup == null ? "" : " +" + fsGroup));
        out.add(readOnlyRoot ? "read-only root" : "writable root");
        out.add("cap-drop " + droppedCapabilities);
        out.add(noPrivilegeEscalation ? "no-new-privileges" : "privilege escalation allowed");
        out.add("seccomp " + seccompProfile);
        out.add("tmpfs " + tmpfs.keySet());
        out.add("files " + files.keySet());
        out.add("memory " + memoryLimitBytes / (1024 * 1024) + " MiB");
        return out;
    }
}

package org.cxrplatform.containers;

import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.deploy.Chart;
import org.cxrplatform.deploy.StrictModels;
import org.cxrplatform.deploy.Workloads;

/**
 * The chart rendered with helm-java as the deploy module's tests render it (every object parsed
 * strictly into the fabric8 models), and the containers of its workloads as {@link Workload}s.
 */
final class RenderedChart {

    private final Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private final Workloads workloads;

    private RenderedChart(List<Chart.Obj> objects) {
        for (Chart.Obj o : objects) {
            switch (o.kind()) {
                case "ConfigMap" -> configMaps.put(o.name(), (ConfigMap) StrictModels.parse(o));
                case "Secret" -> secrets.put(o.name(), (Secret) StrictModels.parse(o));
                default -> {}
            }
        }
        this.workloads = Workloads.of(objects);
    }

    /** {@code helm template} with the values file, then {@code --set key=value} for each entry. */
    static RenderedChart render(Path valuesFile, Map<String, Object> set) {
        List<Chart.Obj> objects = Chart.render(c -> {
            TemplateCommand cmd = c.withValuesFile(valuesFile);
            set.forEach(cmd::set);
            return cmd;
        });
        return new RenderedChart(objects);
    }

    /** The main container of every Deployment and StatefulSet (the long-running services). */
    List<Workload> services() {
        List<Workload> out = new ArrayList<>();
        for (Workloads.Pod pod : workloads.servicePods()) {
            List<PersistentVolumeClaim> claims = workloads.statefulSets().stream()
                    .filter(s -> s.getMetadata().getName().equals(pod.owner()))
                    .map(StatefulSet::getSpec)
                    .flatMap(s -> s.getVolumeClaimTemplates().stream())
                    .toList();
            out.add(Workload.of(
                    pod.owner(), pod.spec(), pod.spec().getContainers().get(0), configMaps, secrets, claims));
        }
        return out;
    }

    /** The topic Job's container. */
    Workload topicsJob() {
        var job = workloads.jobs().get(0);
        var spec = job.getSpec().getTemplate().getSpec();
        return Workload.of(
                job.getMetadata().getName(), spec, spec.getContainers().get(0), configMaps, secrets, List.of());
    }
}

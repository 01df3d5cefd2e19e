package org.cxrplatform.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Typed views on the pod-bearing objects of a render. */
public record Workloads(List<Deployment> deployments, List<StatefulSet> statefulSets, List<Job> jobs) {

    public static Workloads of(List<Chart.Obj> objects) {
        List<Deployment> deployments = new ArrayList<>();
        List<StatefulSet> statefulSets = new ArrayList<>();
        List<Job> jobs = new ArrayList<>();
        for (Chart.Obj o : objects) {
            switch (o.kind()) {
                case "Deployment" -> deployments.add((Deployment) StrictModels.parse(o));
                case "StatefulSet" -> statefulSets.add((StatefulSet) StrictModels.parse(o));
                case "Job" -> jobs.add((Job) StrictModels.parse(o));
                default -> {}
            }
        }
        return new Workloads(deployments, statefulSets, jobs);
    }

    /** A pod template with the name of the object that owns it. */
    public record Pod(String owner, String kind, PodSpec spec) {
        public Stream<Container> allContainers() {
            return Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream());
        }
    }

    /** Long-running pods: Deployments and StatefulSets (the ones that need probes). */
    public List<Pod> servicePods() {
        List<Pod> pods = new ArrayList<>();
        deployments.forEach(d -> pods.add(new Pod(
                d.getMetadata().getName(),
                "Deployment",
                d.getSpec().getTemplate().getSpec())));
        statefulSets.forEach(s -> pods.add(new Pod(
                s.getMetadata().getName(),
                "StatefulSet",
                s.getSpec().getTemplate().getSpec())));
        return pods;
    }

    List<Pod> allPods() {
        List<Pod> pods = new ArrayList<>(servicePods());
        jobs.forEach(j -> pods.add(new Pod(
                j.getMetadata().getName(), "Job", j.getSpec().getTemplate().getSpec())));
        return pods;
    }

    Deployment deployment(String suffix) {
        return deployments.stream()
                .filter(d -> d.getMetadata().getName().endsWith(suffix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment *" + suffix + " in "
                        + deployments.stream()
                                .map(d -> d.getMetadata().getName())
                                .toList()));
    }

    /** The topic Job's one container (the chart renders a single topic Job). */
    public Container topicJobContainer() {
        return jobs.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
    }
}

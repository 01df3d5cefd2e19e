package org.cxrplatform.deploy;

import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Value sets the chart is rendered with. Each is rendered once per test JVM and shared by the test
 * classes; render times are recorded for the report.
 */
enum Scenarios {
    DEFAULT("default values", c -> c),
    PRODUCTION("values-production.yaml", c -> c.withValuesFile(Chart.PRODUCTION_VALUES)),
    HPA_CPU(
            "KEDA absent: HPA on CPU; model on a claim the chart creates",
            c -> c.set("keda.enabled", false)
                    .set("inference.model.source", "pvc")
                    .set("inference.model.pvc.create", true)),
    HPA_EXTERNAL(
            "KEDA absent: HPA on the external lag metric",
            c -> c.set("keda.enabled", false).set("hpaFallback.metric", "external")),
    BUNDLED(
            "Kafka and PostgreSQL installed as subcharts (stand-ins, see Chart)",
            c -> c.set("kafka.enabled", true).set("postgresql.enabled", true)),
    FIXED_REPLICAS("no autoscaler", c -> c.set("keda.enabled", false).set("hpaFallback.enabled", false)),
    EXPOSED(
            "every ingest exposure on: HL7 orders over mutual TLS, STOW-RS and /jobs with an Ingress, DICOM routers by namespace",
            c -> c.withValuesFile(
                    Path.of("src/test/resources/exposed-values.yaml").toAbsolutePath())),
    VARIANTS(
            "SASL Kafka with chart Secret, model by init container, PodMonitor, NodePort DICOM, CPU inference (fp16), inline JWT key",
            c -> c.withValuesFile(Chart.PRODUCTION_VALUES)
                    .set("externalKafka.sasl.existingSecret", "")
                    .set("externalKafka.sasl.username", "cxr")
                    .set("externalKafka.sasl.password", "not-a-real-password")
                    .set("externalKafka.sasl.mechanism", "SCRAM-SHA-256")
                    .set("externalDatabase.existingSecret", "")
                    .set("externalDatabase.password", "not-a-real-password")
                    .set("inference.model.source", "initContainer")
                    .set("inference.model.initContainer.egressCidrs[0]", "10.70.0.0/16")
                    .set("inference.device", "cpu")
                    .set("inference.cpuThreads", 8)
                    .set("metrics.serviceMonitor.enabled", false)
                    .set("metrics.podMonitor.enabled", true)
                    .set("ingest.dicomService.type", "NodePort")
                    .set("ingest.dicomService.nodePort", 31112)
                    .set("ingest.spool.persistence.enabled", false)
                    .set("auth.jwt.publicKeyLocation", "")
                    .set(
                            "auth.jwt.publicKeyPem",
                            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----")
                    .set("inference.model.pvc.create", true)
                    .set("report.extraVolumes[0].name", "db-ca")
                    .set("report.extraVolumes[0].secret.secretName", "cxr-db-ca")
                    .set("report.extraVolumeMounts[0].name", "db-ca")
                    .set("report.extraVolumeMounts[0].mountPath", "/etc/cxr/db-ca")
                    .set("report.extraVolumeMounts[0].readOnly", true));

    final String description;
    final UnaryOperator<TemplateCommand> values;

    Scenarios(String description, UnaryOperator<TemplateCommand> values) {
        this.description = description;
        this.values = values;
    }

    private static final Map<Scenarios, List<Chart.Obj>> RENDERED = new ConcurrentHashMap<>();
    static final Map<Scenarios, Long> RENDER_MILLIS = new LinkedHashMap<>();

    /**
     * Keeps what was rendered for people to read: target/rendered/<scenario>.yaml, and, when the system
     * property cxr.rendered.out names a directory (see deploy/README.md), default and production there.
     */
    private void write(String manifests) {
        try {
            String file = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ".yaml";
            Path target = Files.createDirectories(Path.of("target", "rendered"));
            Files.writeString(target.resolve(file), manifests);
            String out = System.getProperty("cxr.rendered.out", "");
            if (!out.isBlank() && (this == DEFAULT || this == PRODUCTION)) {
                Path dir = Files.createDirectories(Path.of(out));
                Files.writeString(
                        dir.resolve(file),
                        "# Rendered by `mvn -pl deploy test -Dcxr.rendered.out=...` from helm/cxr-platform ("
                                + description + "), release \"" + Chart.RELEASE + "\", namespace \"" + Chart.NAMESPACE
                                + "\". Do not edit: change the chart and re-render.\n" + manifests);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Chart.Obj> objects() {
        return RENDERED.computeIfAbsent(this, s -> {
            long start = System.nanoTime();
            String manifests = Chart.template(s.values);
            long ms = (System.nanoTime() - start) / 1_000_000;
            List<Chart.Obj> objs = Chart.parse(manifests);
            s.write(manifests);
            synchronized (RENDER_MILLIS) {
                RENDER_MILLIS.put(s, ms);
            }
            System.out.printf("rendered %-15s %3d objects in %4d ms (%s)%n", s, objs.size(), ms, s.description);
            return objs;
        });
    }
}

package org.cxrplatform.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The chart under test and how to render it (helm-java, Helm in-process: no binary, no cluster).
 * Public for e2e-containers, which runs the images with the container settings of a render.
 */
public final class Chart {

    static final Path DIR = Path.of(System.getProperty("cxr.chart.dir", "../helm/cxr-platform"))
            .toAbsolutePath()
            .normalize();
    static final Path DEFAULT_VALUES = DIR.resolve("values.yaml");
    static final Path PRODUCTION_VALUES = DIR.resolve("values-production.yaml");
    public static final String RELEASE = "cxr";
    static final String NAMESPACE = "radiology";
    static final String KUBE_VERSION = "1.31.0";

    static final YAMLMapper YAML = new YAMLMapper();

    /**
     * Helm refuses to template a chart whose Chart.yaml declares dependencies missing from charts/,
     * even when their condition is false. `helm dependency build` needs the Bitnami registry, which is
     * not reachable here, so the tests render a copy of the chart with empty stand-ins for the two
     * optional subcharts (same names and versions, no templates, no values). With the subcharts
     * disabled, as by default, that is exactly what Helm renders after a real dependency build.
     */
    static final Map<String, String> DEPENDENCY_STAND_INS = Map.of("kafka", "32.0.0", "postgresql", "16.0.0");

    private static Path renderDir;

    private Chart() {}

    /** One rendered Kubernetes object. */
    public record Obj(String apiVersion, String kind, String name, JsonNode node) {
        public String id() {
            return apiVersion + "/" + kind + "/" + name;
        }

        public JsonNode at(String pointer) {
            return node.at(pointer);
        }
    }

    /** helm template with the given customisation (values files, --set). */
    static String template(UnaryOperator<TemplateCommand> customise) {
        TemplateCommand cmd = new Helm(renderDir())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        return customise.apply(cmd).call();
    }

    static synchronized Path renderDir() {
        if (renderDir == null) {
            try {
                Path root = Path.of(System.getProperty("cxr.render.dir", "target/chart-under-test"))
                        .toAbsolutePath();
                Path dir = root.resolve(DIR.getFileName().toString());
                deleteRecursively(root);
                copy(DIR, dir);
                for (Map.Entry<String, String> dep : DEPENDENCY_STAND_INS.entrySet()) {
                    Path sub = Files.createDirectories(dir.resolve("charts").resolve(dep.getKey()));
                    Files.writeString(
                            sub.resolve("Chart.yaml"),
                            "apiVersion: v2\nname: " + dep.getKey() + "\nversion: " + dep.getValue()
                                    + "\ndescription: test stand-in, renders nothing\n");
                }
                renderDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return renderDir;
    }

    public static List<Obj> render(UnaryOperator<TemplateCommand> customise) {
        return parse(template(customise));
    }

    static List<Obj> parse(String manifests) {
        List<Obj> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
                    continue;
                }
                out.add(new Obj(
                        doc.path("apiVersion").asText(),
                        doc.path("kind").asText(),
                        doc.path("metadata").path("name").asText(),
                        doc));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered manifests are not YAML", e);
        }
        return out;
    }

    /** Values file as a tree. */
    static ObjectNode values(Path file) {
        try {
            return (ObjectNode) YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's coalescing of a values overlay: maps merge recursively, everything else replaces. */
    static ObjectNode merge(ObjectNode base, JsonNode overlay) {
        ObjectNode result = base.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode current = result.get(e.getKey());
            if (current instanceof ObjectNode currentObject && e.getValue().isObject()) {
                result.set(e.getKey(), merge(currentObject, e.getValue()));
            } else {
                result.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return result;
    }

    /**
     * A copy of the chart whose values.yaml is the given tree: helm lint (helm-java has no values
     * option for lint) then checks the chart with those values.
     */
    static Path copyWithValues(Path target, ObjectNode values) {
        try {
            copy(DIR, target);
            YAML.writeValue(target.resolve("values.yaml").toFile(), values);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

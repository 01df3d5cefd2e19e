package org.cxrplatform.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CRD schemas kept in src/test/resources/crds, as validators keyed by apiVersion/kind.
 * Object schemas are closed before use (see crds/README.md): the API server would prune unknown
 * fields silently, the tests reject them.
 */
final class CrdSchemas {

    static final List<String> FILES = List.of(
            "keda.sh_scaledobjects.yaml",
            "keda.sh_triggerauthentications.yaml",
            "monitoring.coreos.com_servicemonitors.yaml",
            "monitoring.coreos.com_podmonitors.yaml");

    private static final Map<String, JsonSchema> SCHEMAS = load();

    private CrdSchemas() {}

    static Optional<JsonSchema> schemaFor(String apiVersion, String kind) {
        return Optional.ofNullable(SCHEMAS.get(apiVersion + "/" + kind));
    }

    static Set<ValidationMessage> validate(Chart.Obj obj) {
        JsonSchema schema = schemaFor(obj.apiVersion(), obj.kind())
                .orElseThrow(() -> new IllegalArgumentException("no CRD schema for " + obj.id()));
        return schema.validate(obj.node());
    }

    private static Map<String, JsonSchema> load() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        Map<String, JsonSchema> schemas = new HashMap<>();
        for (String file : FILES) {
            JsonNode crd = read("/crds/" + file);
            String group = crd.at("/spec/group").asText();
            String kind = crd.at("/spec/names/kind").asText();
            for (JsonNode version : crd.at("/spec/versions")) {
                ObjectNode schema =
                        (ObjectNode) version.at("/schema/openAPIV3Schema").deepCopy();
                close(schema);
                schemas.put(group + "/" + version.path("name").asText() + "/" + kind, factory.getSchema(schema));
            }
        }
        return schemas;
    }

    /** additionalProperties: false on every object schema that lists properties and keeps no unknown fields. */
    static void close(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.has("properties")
                    && !o.has("additionalProperties")
                    && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                o.put("additionalProperties", false);
            }
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                close(it.next());
            }
        } else if (node != null && node.isArray()) {
            node.forEach(CrdSchemas::close);
        }
    }

    private static JsonNode read(String resource) {
        try (InputStream in = CrdSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return Chart.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

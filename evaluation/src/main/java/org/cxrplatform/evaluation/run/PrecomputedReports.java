package org.cxrplatform.evaluation.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --reports FILE}: one JSON object per line, {@code {"id": "<label key>", "report": "<text>"}},
 * for reports written before (by an earlier run, by another model, or by radiologists), so that
 * scoring can be run and checked without the model.
 */
public final class PrecomputedReports {

    private final Map<String, String> byId;

    private PrecomputedReports(Map<String, String> byId) {
        this.byId = byId;
    }

    public static PrecomputedReports read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> byId = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException(
                            file + " line " + number + ": not JSON: " + e.getOriginalMessage());
                }
                JsonNode id = node.get("id");
                JsonNode report = node.has("report") ? node.get("report") : node.get("text");
                if (id == null || !id.isValueNode() || report == null || !report.isTextual()) {
                    throw new IllegalArgumentException(
                            file + " line " + number + ": expected {\"id\": ..., \"report\": \"...\"}");
                }
                if (byId.put(id.asText(), report.asText()) != null) {
                    throw new IllegalArgumentException(
                            file + " line " + number + ": duplicate id '" + id.asText() + "'");
                }
            }
        }
        return new PrecomputedReports(byId);
    }

    public Optional<String> report(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public int size() {
        return byId.size();
    }
}

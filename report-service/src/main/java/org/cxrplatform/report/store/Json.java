package org.cxrplatform.report.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.EnumMap;
import java.util.Map;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/** JSON columns, written and read with the contracts' mapper. */
public final class Json {

    private static final TypeReference<Map<Finding, FindingState>> FINDINGS = new TypeReference<>() {};

    private Json() {}

    public static String write(Object value) {
        return value == null ? null : EventJson.writeString(value);
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return json == null ? null : EventJson.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "stored JSON is not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Findings in enum order, every finding present (missing ones read as NOT_MENTIONED). */
    public static Map<Finding, FindingState> readFindings(String json) {
        try {
            Map<Finding, FindingState> read =
                    json == null ? Map.of() : EventJson.mapper().readValue(json, FINDINGS);
            return complete(read);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored findings are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static Map<Finding, FindingState> complete(Map<Finding, FindingState> findings) {
        Map<Finding, FindingState> all = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            all.put(f, findings.getOrDefault(f, FindingState.NOT_MENTIONED));
        }
        return all;
    }
}

package org.cxrplatform.inference.pipeline;

import java.util.EnumMap;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/** Reads the seven findings out of report text. Implementations are thread-safe. */
public interface FindingsReader {

    /** What the text says about one finding, and the sentence that says it (null when not mentioned). */
    record Reading(FindingState state, String excerpt) {}

    /** One reading per finding, all seven present. */
    Map<Finding, Reading> read(String text);

    static Map<Finding, FindingState> states(Map<Finding, Reading> readings) {
        Map<Finding, FindingState> states = new EnumMap<>(Finding.class);
        readings.forEach((f, r) -> states.put(f, r.state()));
        return states;
    }
}

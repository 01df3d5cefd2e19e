package org.cxrplatform.findings;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * A report sentence (or a few) with the labels a radiologist gives it, for measuring the
 * extractor.
 *
 * @param text     the sentence as written
 * @param expected all seven findings; NOT_MENTIONED where the text does not speak of one
 */
public record LabelledSentence(String text, Map<Finding, FindingState> expected) {

    public LabelledSentence {
        if (!expected.keySet().containsAll(List.of(Finding.values()))) {
            throw new IllegalArgumentException("expected must label all seven findings: " + text);
        }
        expected = Map.copyOf(expected);
    }

    /**
     * Reads the tab-separated format: {@code sentence<TAB>PLEURAL_EFFUSION=ABSENT PNEUMOTHORAX=ABSENT}.
     * Findings not listed are NOT_MENTIONED; blank lines and lines starting with '#' are skipped.
     */
    public static List<LabelledSentence> readTsv(BufferedReader reader) throws IOException {
        List<LabelledSentence> sentences = new ArrayList<>();
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\t", -1);
            if (columns.length != 2) {
                throw new IllegalArgumentException(
                        "line " + lineNumber + ": expected sentence<TAB>labels, got: " + line);
            }
            sentences.add(new LabelledSentence(columns[0].trim(), parseLabels(columns[1], lineNumber)));
        }
        return sentences;
    }

    private static Map<Finding, FindingState> parseLabels(String labels, int lineNumber) {
        Map<Finding, FindingState> expected = new EnumMap<>(Finding.class);
        for (Finding finding : Finding.values()) {
            expected.put(finding, FindingState.NOT_MENTIONED);
        }
        for (String pair : labels.trim().split("\\s+")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] parts = pair.split("=");
            try {
                expected.put(Finding.valueOf(parts[0]), FindingState.valueOf(parts[1]));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException(
                        "line " + lineNumber + ": bad label '" + pair + "', expected FINDING=STATE", e);
            }
        }
        return expected;
    }
}

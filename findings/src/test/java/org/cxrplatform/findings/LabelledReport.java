package org.cxrplatform.findings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;

/**
 * A whole report with report-level labels, as the evaluation's label files give them: 1 = the
 * report asserts the finding on this image, -1 = it only hedges it, 0 = otherwise.
 *
 * <p>File format: a report starts with a line {@code === id FINDING=LABEL ...} (unlisted findings
 * are 0) and runs to the next such line; lines starting with '#' are comments.
 */
record LabelledReport(String id, String text, Map<Finding, Integer> labels) {

    boolean positive(Finding finding) {
        return labels.getOrDefault(finding, 0) == 1;
    }

    static List<LabelledReport> readResource(String resource) throws IOException {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(LabelledReport.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            return read(in);
        }
    }

    static List<LabelledReport> read(BufferedReader reader) throws IOException {
        List<LabelledReport> reports = new ArrayList<>();
        String id = null;
        Map<Finding, Integer> labels = null;
        StringBuilder text = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("=== ")) {
                if (id != null) {
                    reports.add(new LabelledReport(id, text.toString().strip(), labels));
                }
                String[] fields = line.substring(4).trim().split("\\s+");
                id = fields[0];
                labels = new EnumMap<>(Finding.class);
                for (int i = 1; i < fields.length; i++) {
                    String[] pair = fields[i].split("=");
                    labels.put(Finding.valueOf(pair[0]), Integer.parseInt(pair[1]));
                }
                text.setLength(0);
            } else if (id != null) {
                text.append(line).append('\n');
            }
        }
        if (id != null) {
            reports.add(new LabelledReport(id, text.toString().strip(), labels));
        }
        return reports;
    }
}

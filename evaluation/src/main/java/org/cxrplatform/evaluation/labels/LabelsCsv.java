package org.cxrplatform.evaluation.labels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cxrplatform.contracts.findings.Finding;

/**
 * Reads a label file in the CheXpert / MIMIC-CXR-JPG convention: a header row, one key column
 * ({@code Path}, {@code path}, {@code dicom_id}, {@code study_id}, {@code image} or {@code id}, in
 * that order of preference) and one column per finding named as {@link Finding#chexpertColumn()},
 * each cell 1, 0, -1 or blank. Other columns (Sex, Age, No Finding, Lung Opacity...) are ignored.
 * RFC 4180 quoting is understood.
 */
public final class LabelsCsv {

    /** Key columns, most specific first. */
    public static final List<String> KEY_COLUMNS = List.of("path", "dicom_id", "study_id", "image", "id");

    /** @param keyColumn the key column found in the header (lower case), which tells how rows match images */
    public record Labels(String keyColumn, List<Finding> findingColumns, List<LabelledStudy> studies) {}

    private LabelsCsv() {}

    public static Labels read(Path file) throws IOException {
        List<List<String>> rows = parse(Files.readString(file, StandardCharsets.UTF_8));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty labels file");
        }
        List<String> header =
                rows.get(0).stream().map(h -> h.trim().replace("\uFEFF", "")).toList();
        int keyIndex = -1;
        String keyColumn = null;
        for (String candidate : KEY_COLUMNS) {
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).toLowerCase(Locale.ROOT).equals(candidate)) {
                    keyIndex = i;
                    keyColumn = candidate;
                    break;
                }
            }
            if (keyColumn != null) {
                break;
            }
        }
        if (keyColumn == null) {
            throw new IllegalArgumentException(
                    file + ": no key column; expected one of " + KEY_COLUMNS + " in " + header);
        }
        Map<Finding, Integer> columns = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).equalsIgnoreCase(f.chexpertColumn())) {
                    columns.put(f, i);
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(file + ": no finding column; expected some of "
                    + java.util.Arrays.stream(Finding.values())
                            .map(Finding::chexpertColumn)
                            .toList());
        }
        List<LabelledStudy> studies = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            String id = cell(row, keyIndex).trim();
            if (id.isEmpty()) {
                throw new IllegalArgumentException(file + " line " + (r + 1) + ": empty " + keyColumn);
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException(
                        file + " line " + (r + 1) + ": duplicate " + keyColumn + " '" + id + "'");
            }
            Map<Finding, GroundTruth> labels = new EnumMap<>(Finding.class);
            for (Map.Entry<Finding, Integer> c : columns.entrySet()) {
                try {
                    labels.put(c.getKey(), GroundTruth.parse(cell(row, c.getValue())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            file + " line " + (r + 1) + ", column '"
                                    + c.getKey().chexpertColumn() + "': " + e.getMessage(),
                            e);
                }
            }
            studies.add(new LabelledStudy(id, labels));
        }
        return new Labels(keyColumn, List.copyOf(columns.keySet()), List.copyOf(studies));
    }

    private static String cell(List<String> row, int index) {
        return index < row.size() ? row.get(index) : "";
    }

    /** RFC 4180: comma separated, double-quoted fields may hold commas, quotes ("") and newlines. */
    public static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                any = false;
            } else {
                field.append(c);
            }
        }
        if (any) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}

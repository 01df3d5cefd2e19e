package org.cxrplatform.evaluation.labeler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.evaluation.labels.GroundTruth;
import org.cxrplatform.evaluation.labels.LabelledStudy;
import org.cxrplatform.evaluation.labels.LabelsCsv;
import org.cxrplatform.evaluation.run.PrecomputedReports;

/**
 * A held-out findings test set labelled by someone who did not see the extractor's rules (the
 * folder's LABELLING.md says how): whole reports ({@code reports.jsonl} + {@code labels.csv}, what
 * {@code evaluate --reports --labels} reads), single sentences ({@code sentences.tsv}: id, sentence,
 * one column per finding holding PRESENT / ABSENT / UNCERTAIN / NOT_MENTIONED) and a pneumothorax
 * alert corpus ({@code pneumothorax-alerts.tsv}: id, alert 1/0, category, sentence). Read
 * completely or not at all: a report without labels, a label row without a report, or a malformed
 * row is an error naming the file and line.
 */
public record HeldoutSet(Path folder, List<Text> reports, List<Text> sentences, List<AlertCase> alerts) {

    /** A labelled text: a report or a sentence, with its labels in the CheXpert cell convention. */
    public record Text(LabelledStudy labelled, String text) {}

    /** One alert-corpus sentence: whether it must raise the critical alert, and the class it stands for. */
    public record AlertCase(String id, boolean alert, String category, String sentence) {}

    public static HeldoutSet read(Path folder) throws IOException {
        return new HeldoutSet(
                folder,
                reports(folder),
                sentences(folder.resolve("sentences.tsv")),
                alerts(folder.resolve("pneumothorax-alerts.tsv")));
    }

    private static List<Text> reports(Path folder) throws IOException {
        LabelsCsv.Labels labels = LabelsCsv.read(folder.resolve("labels.csv"));
        PrecomputedReports texts = PrecomputedReports.read(folder.resolve("reports.jsonl"));
        if (labels.findingColumns().size() != Finding.values().length) {
            throw new IllegalArgumentException(
                    folder.resolve("labels.csv") + ": expected a column for each of the seven findings");
        }
        List<Text> reports = new ArrayList<>();
        for (LabelledStudy study : labels.studies()) {
            String text = texts.report(study.id())
                    .orElseThrow(() -> new IllegalArgumentException(
                            folder.resolve("reports.jsonl") + ": no report for labelled id '" + study.id() + "'"));
            reports.add(new Text(study, text));
        }
        if (texts.size() != reports.size()) {
            throw new IllegalArgumentException(
                    folder + ": " + texts.size() + " reports but " + reports.size() + " label rows");
        }
        return List.copyOf(reports);
    }

    private static List<Text> sentences(Path file) throws IOException {
        List<String[]> rows = tsv(file, 2 + Finding.values().length);
        List<String> header = List.of(rows.get(0));
        Map<Finding, Integer> columns = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            int i = header.indexOf(f.chexpertColumn());
            if (i < 2) throw new IllegalArgumentException(file + ": no column " + f.chexpertColumn());
            columns.put(f, i);
        }
        List<Text> sentences = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int r = 1; r < rows.size(); r++) {
            String[] row = rows.get(r);
            if (!ids.add(row[0]))
                throw new IllegalArgumentException(file + " line " + (r + 1) + ": duplicate id " + row[0]);
            Map<Finding, GroundTruth> labels = new EnumMap<>(Finding.class);
            for (Finding f : Finding.values()) {
                labels.put(f, cell(row[columns.get(f)], file, r + 1));
            }
            sentences.add(new Text(new LabelledStudy(row[0], labels), row[1]));
        }
        return List.copyOf(sentences);
    }

    /** The sentence set's state names in the CheXpert cells the scorer reads. */
    private static GroundTruth cell(String state, Path file, int line) {
        return switch (state) {
            case "PRESENT" -> GroundTruth.POSITIVE;
            case "ABSENT" -> GroundTruth.NEGATIVE;
            case "UNCERTAIN" -> GroundTruth.UNCERTAIN;
            case "NOT_MENTIONED" -> GroundTruth.BLANK;
            default -> throw new IllegalArgumentException(file + " line " + line + ": unknown state '" + state + "'");
        };
    }

    private static List<AlertCase> alerts(Path file) throws IOException {
        List<String[]> rows = tsv(file, 4);
        if (!List.of(rows.get(0)).equals(List.of("id", "alert", "category", "sentence"))) {
            throw new IllegalArgumentException(file + ": expected the header id, alert, category, sentence");
        }
        List<AlertCase> alerts = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            String[] row = rows.get(r);
            if (!row[1].equals("1") && !row[1].equals("0")) {
                throw new IllegalArgumentException(
                        file + " line " + (r + 1) + ": alert must be 1 or 0, not '" + row[1] + "'");
            }
            alerts.add(new AlertCase(row[0], row[1].equals("1"), row[2], row[3]));
        }
        return List.copyOf(alerts);
    }

    /** Rows of a tab-separated file with a header, each with exactly {@code columns} cells. */
    private static List<String[]> tsv(Path file, int columns) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String[] cells = lines.get(i).split("\t", -1);
            if (cells.length != columns) {
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + ": " + cells.length + " cells, expected " + columns);
            }
            rows.add(cells);
        }
        if (rows.size() < 2) throw new IllegalArgumentException(file + ": no rows");
        return rows;
    }
}

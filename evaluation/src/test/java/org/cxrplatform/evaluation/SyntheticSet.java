package org.cxrplatform.evaluation;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * A labelled set built cell by cell, so that every figure is known by construction: per finding,
 * a list of (label, state the report states) pairs, one per study. Reports are written from the
 * states with one plain sentence each ({@link #SENTENCES}).
 */
final class SyntheticSet {

    static final int STUDIES = 20;

    /** The sentence that states each finding's state; NOT_MENTIONED says nothing. */
    static final Map<Finding, Map<FindingState, String>> SENTENCES = new EnumMap<>(Finding.class);

    static {
        put(Finding.CARDIOMEGALY, "Moderate cardiomegaly.", "No cardiomegaly.", "Possible cardiomegaly.");
        put(
                Finding.PLEURAL_EFFUSION,
                "Small left pleural effusion.",
                "No pleural effusion.",
                "Possible small left pleural effusion.");
        put(
                Finding.PNEUMOTHORAX,
                "Small right apical pneumothorax.",
                "No pneumothorax.",
                "Possible small pneumothorax.");
        put(Finding.ATELECTASIS, "Bibasilar atelectasis.", "No atelectasis.", "Possible bibasilar atelectasis.");
        put(
                Finding.CONSOLIDATION,
                "Right lower lobe consolidation.",
                "No focal consolidation.",
                "Possible right lower lobe consolidation.");
        put(Finding.PULMONARY_EDEMA, "Mild pulmonary edema.", "No pulmonary edema.", "Possible mild pulmonary edema.");
        put(Finding.PNEUMONIA, "Right lower lobe pneumonia.", "No pneumonia.", "Possible right lower lobe pneumonia.");
    }

    private static void put(Finding f, String present, String absent, String uncertain) {
        SENTENCES.put(
                f,
                Map.of(FindingState.PRESENT, present, FindingState.ABSENT, absent, FindingState.UNCERTAIN, uncertain));
    }

    record Cell(String label, FindingState state) {}

    /** Per finding, the cells of studies 1..20 (label "1", "0", "-1" or "" blank). */
    static final Map<Finding, List<Cell>> CELLS = new EnumMap<>(Finding.class);

    static {
        FindingState P = FindingState.PRESENT,
                A = FindingState.ABSENT,
                U = FindingState.UNCERTAIN,
                M = FindingState.NOT_MENTIONED;
        // TP 6, FP 2, FN 3, TN 9 under both policies
        CELLS.put(Finding.CARDIOMEGALY, cells(6, "1", P, 2, "0", P, 3, "1", M, 9, "0", M));
        // U-Ones: TP 8 FP 2 FN 1 TN 9; U-Zeros: TP 5 FP 1 FN 1 TN 13
        CELLS.put(
                Finding.PLEURAL_EFFUSION,
                cells(5, "1", P, 1, "1", U, 2, "-1", U, 1, "-1", M, 1, "0", U, 1, "0", P, 9, "0", A));
        // never positive, never predicted: every figure undefined
        CELLS.put(Finding.PNEUMOTHORAX, cells(20, "0", A));
        // TP 2 FP 2 FN 0, blanks are negatives (TN 16)
        CELLS.put(Finding.ATELECTASIS, cells(2, "1", P, 2, "0", P, 16, "", M));
        // TP 0 FN 3: recall 0, F1 0, precision undefined
        CELLS.put(Finding.CONSOLIDATION, cells(3, "1", M, 17, "0", M));
        // perfect
        CELLS.put(Finding.PULMONARY_EDEMA, cells(4, "1", P, 16, "0", M));
        // TP 1, FP 1 (on a blank label)
        CELLS.put(Finding.PNEUMONIA, cells(1, "1", P, 1, "", P, 18, "", M));
    }

    private static List<Cell> cells(Object... spec) {
        List<Cell> out = new ArrayList<>();
        for (int i = 0; i < spec.length; i += 3) {
            for (int k = 0; k < (Integer) spec[i]; k++)
                out.add(new Cell((String) spec[i + 1], (FindingState) spec[i + 2]));
        }
        if (out.size() != STUDIES)
            throw new IllegalStateException("a finding needs " + STUDIES + " cells, not " + out.size());
        return out;
    }

    static String id(int i) {
        return String.format("img%02d", i + 1);
    }

    /** The report of study i: one sentence per mentioned finding, in Finding order. */
    static String report(int i) {
        StringBuilder text = new StringBuilder("PA and lateral views of the chest.");
        for (Finding f : Finding.values()) {
            FindingState s = CELLS.get(f).get(i).state();
            if (s != FindingState.NOT_MENTIONED)
                text.append(' ').append(SENTENCES.get(f).get(s));
        }
        return text.toString();
    }

    /** labels.csv (key column dicom_id, like MIMIC-CXR-JPG) and reports.jsonl. */
    static void write(Path labels, Path reports) throws Exception {
        StringBuilder csv = new StringBuilder("dicom_id,study_id");
        for (Finding f : Finding.values()) csv.append(',').append(f.chexpertColumn());
        csv.append('\n');
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < STUDIES; i++) {
            csv.append(id(i)).append(',').append(50000000 + i);
            for (Finding f : Finding.values())
                csv.append(',').append(CELLS.get(f).get(i).label());
            csv.append('\n');
            jsonl.append("{\"id\":\"")
                    .append(id(i))
                    .append("\",\"report\":\"")
                    .append(report(i))
                    .append("\"}\n");
        }
        Files.writeString(labels, csv, StandardCharsets.UTF_8);
        Files.writeString(reports, jsonl, StandardCharsets.UTF_8);
    }

    /** Synthetic 8-bit grey "radiographs" (a bright thorax ellipse on dark), one per study. */
    static void writeImages(Path dir, int count, int width, int height) throws Exception {
        Files.createDirectories(dir);
        Random random = new Random(11);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double dx = (x - width / 2.0) / (width * 0.4), dy = (y - height / 2.0) / (height * 0.45);
                    int v = (dx * dx + dy * dy < 1 ? 170 : 30) + random.nextInt(40) + (i * 7) % 30;
                    img.getRaster().setSample(x, y, 0, Math.min(255, v));
                }
            }
            ImageIO.write(img, "png", dir.resolve(id(i) + ".png").toFile());
        }
    }

    static Map<String, String> reportsById() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < STUDIES; i++) m.put(id(i), report(i));
        return m;
    }

    private SyntheticSet() {}
}

package org.cxrplatform.evaluation.labeler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.findings.LabelerQuality;
import org.cxrplatform.findings.LabelledSentence;

/**
 * How well the findings extractor reads sentences whose states are known, printed with every
 * evaluation since every figure rests on it. The counting is the findings module's {@link LabelerQuality}
 * (one-versus-rest F1 of PRESENT, ABSENT, UNCERTAIN, and "mentioned with the right state");
 * this class runs it with the evaluation's labeler and turns undefined figures into nulls for JSON.
 *
 * <p>Sentence set: the one bundled with this module ({@link #BUNDLED}, 64 sentences labelled by
 * hand), or any file in the findings module's TSV format ({@code --labeler-sentences}).
 */
public final class ExtractorQuality {

    public static final String BUNDLED = "/org/cxrplatform/evaluation/labeler/labelled-sentences.tsv";
    /** The findings module's own (larger) set, shipped in its jar. */
    public static final String FINDINGS_MODULE = "/org/cxrplatform/findings/labelled-sentences.tsv";

    /** A sentence set and what to call it in the outputs. */
    public record SentenceSet(String name, List<LabelledSentence> sentences) {}

    private static final int MAX_MISREAD = 20;

    /** Per finding: how many sentences mention it, and the one-versus-rest F1 of each state. */
    public record FindingQuality(
            Finding finding,
            String column,
            int mentioned,
            Double mentionedCorrectlyF1,
            Double presentF1,
            Double absentF1,
            Double uncertainF1) {}

    /** @param misread up to 20 sentences read wrongly, for the reader to judge */
    public record Result(
            String sentenceSet, int sentences, Double accuracy, List<FindingQuality> findings, List<String> misread) {}

    private ExtractorQuality() {}

    /**
     * The default sets: the findings module's labelled sentences when its jar ships them ({@link #FINDINGS_MODULE};
     * the extractor was written against them, so they flatter it), and always the set bundled with
     * this module ({@link #BUNDLED}), labelled independently of the extractor.
     */
    public static List<SentenceSet> defaultSets() throws IOException {
        List<SentenceSet> sets = new ArrayList<>();
        try (InputStream in = ExtractorQuality.class.getResourceAsStream(FINDINGS_MODULE)) {
            if (in != null) {
                sets.add(new SentenceSet(
                        "the findings module's labelled sentence set, which the extractor was developed on",
                        LabelledSentence.readTsv(
                                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))));
            }
        }
        sets.add(new SentenceSet("the evaluation module's set, labelled independently of the extractor", bundled()));
        return sets;
    }

    public static List<LabelledSentence> bundled() throws IOException {
        try (InputStream in = ExtractorQuality.class.getResourceAsStream(BUNDLED)) {
            if (in == null) throw new IllegalStateException("missing class-path resource " + BUNDLED);
            return LabelledSentence.readTsv(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        }
    }

    public static List<LabelledSentence> read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return LabelledSentence.readTsv(in);
        }
    }

    public static Result measure(String setName, List<LabelledSentence> sentences, ReportLabeler labeler) {
        List<Map<Finding, FindingState>> expected = new ArrayList<>();
        List<Map<Finding, FindingState>> actual = new ArrayList<>();
        List<String> misread = new ArrayList<>();
        for (LabelledSentence s : sentences) {
            Map<Finding, FindingState> got = complete(labeler.label(s.text()));
            expected.add(s.expected());
            actual.add(got);
            if (!got.equals(s.expected()) && misread.size() < MAX_MISREAD) {
                StringBuilder why = new StringBuilder("\"" + s.text() + "\":");
                for (Finding f : Finding.values()) {
                    if (got.get(f) != s.expected().get(f)) {
                        why.append(' ')
                                .append(f.chexpertColumn())
                                .append(" expected ")
                                .append(s.expected().get(f))
                                .append(", read ")
                                .append(got.get(f))
                                .append(';');
                    }
                }
                misread.add(why.toString());
            }
        }
        LabelerQuality q = LabelerQuality.compare(expected, actual);
        List<FindingQuality> findings = new ArrayList<>();
        for (Finding f : Finding.values()) {
            int mentioned = (int) sentences.stream()
                    .filter(s -> s.expected().get(f) != FindingState.NOT_MENTIONED)
                    .count();
            findings.add(new FindingQuality(
                    f,
                    f.chexpertColumn(),
                    mentioned,
                    value(q.mentionedCorrectly(f).f1()),
                    value(q.score(f, FindingState.PRESENT).f1()),
                    value(q.score(f, FindingState.ABSENT).f1()),
                    value(q.score(f, FindingState.UNCERTAIN).f1())));
        }
        return new Result(setName, sentences.size(), value(q.accuracy()), List.copyOf(findings), List.copyOf(misread));
    }

    private static Map<Finding, FindingState> complete(Map<Finding, FindingState> labels) {
        Map<Finding, FindingState> all = new java.util.EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) all.put(f, labels.getOrDefault(f, FindingState.NOT_MENTIONED));
        return all;
    }

    private static Double value(double v) {
        return Double.isNaN(v) ? null : v;
    }
}

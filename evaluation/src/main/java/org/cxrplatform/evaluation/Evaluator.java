package org.cxrplatform.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.evaluation.labeler.ExtractorQuality;
import org.cxrplatform.evaluation.labeler.ReportLabeler;
import org.cxrplatform.evaluation.labels.LabelledStudy;
import org.cxrplatform.evaluation.labels.LabelsCsv;
import org.cxrplatform.evaluation.report.EvaluationReport;
import org.cxrplatform.evaluation.report.GalleryItem;
import org.cxrplatform.evaluation.report.HtmlReport;
import org.cxrplatform.evaluation.report.PaperComparison;
import org.cxrplatform.evaluation.report.StudyOutcome;
import org.cxrplatform.evaluation.report.TextSummary;
import org.cxrplatform.evaluation.run.Generated;
import org.cxrplatform.evaluation.run.GenerationLog;
import org.cxrplatform.evaluation.run.ImageIndex;
import org.cxrplatform.evaluation.run.ImageLoader;
import org.cxrplatform.evaluation.run.PrecomputedReports;
import org.cxrplatform.evaluation.run.ProgressBar;
import org.cxrplatform.evaluation.run.ReportSource;
import org.cxrplatform.evaluation.run.StudyInput;
import org.cxrplatform.evaluation.scoring.BlankPolicy;
import org.cxrplatform.evaluation.scoring.PolicyResult;
import org.cxrplatform.evaluation.scoring.ScoredStudy;
import org.cxrplatform.evaluation.scoring.Scorer;
import org.cxrplatform.evaluation.scoring.UncertainPolicy;

/**
 * The evaluation pipeline: labels → images → model reports (resumable, batched) → findings
 * extractor → scores → {@code studies.jsonl}, {@code metrics.json}, {@code summary.txt},
 * {@code report.html} in the output folder. With precomputed reports the model step is skipped.
 *
 * <p>Outputs hold no time stamps and no absolute paths, so the same inputs give byte-identical
 * files, whether the run went straight through or was resumed ({@code generations.jsonl}, the
 * model's log, also holds the timings and is the one file that differs).
 */
public final class Evaluator {

    /** What the command line asked for. */
    public record Settings(
            Path labels,
            Path images,
            Path reports,
            Path out,
            String dataset,
            List<UncertainPolicy> policies,
            BlankPolicy blank,
            int batch,
            int bootstrap,
            long seed,
            int gallery,
            boolean skipMissing,
            Path labelerSentences,
            Path views) {}

    /** A failure with a message meant for the user (exit code 2, no stack trace). */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ReportLabeler labeler;
    private final PrintStream stdout;
    private final PrintStream stderr;

    public Evaluator(ReportLabeler labeler, PrintStream stdout, PrintStream stderr) {
        this.labeler = labeler;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Runs the evaluation. {@code model} is called only when studies remain to be generated (not
     * at all with precomputed reports), so a finished run is re-scored without loading the model.
     */
    public EvaluationReport run(Settings s, Function<Integer, ReportSource> model) throws Exception {
        LabelsCsv.Labels labels = LabelsCsv.read(s.labels());
        Files.createDirectories(s.out());
        ImageIndex images = s.images() == null ? null : ImageIndex.scan(s.images());
        if (images != null && s.views() != null) images.preferViews(s.views());

        Map<String, String> reports = new LinkedHashMap<>();
        Map<String, String> imageNames = new LinkedHashMap<>();
        List<String> leftOut = new ArrayList<>();
        String reportSource;
        if (s.reports() != null) {
            PrecomputedReports pre = PrecomputedReports.read(s.reports());
            reportSource = "reports file " + s.reports().getFileName();
            for (LabelledStudy study : labels.studies()) {
                Optional<String> text = pre.report(study.id());
                if (text.isPresent()) {
                    reports.put(study.id(), text.get());
                    if (images != null)
                        images.find(labels.keyColumn(), study.id())
                                .ifPresent(p -> imageNames.put(study.id(), images.relative(p)));
                } else {
                    leftOut.add(study.id());
                }
            }
            checkMissing(leftOut, "have no line in " + s.reports().getFileName(), s.skipMissing());
        } else {
            if (images == null) throw new UsageException("--images is required unless --reports is given");
            List<StudyInput> inputs = new ArrayList<>();
            List<Path> dicom = new ArrayList<>();
            for (LabelledStudy study : labels.studies()) {
                Optional<Path> image = images.find(labels.keyColumn(), study.id());
                if (image.isEmpty()) {
                    leftOut.add(study.id());
                    continue;
                }
                if (ImageLoader.isDicom(image.get())) dicom.add(image.get());
                inputs.add(new StudyInput(study.id(), image.get(), images.relative(image.get())));
                imageNames.put(study.id(), images.relative(image.get()));
            }
            if (!dicom.isEmpty()) {
                throw new UsageException(
                        dicom.size() + " of the matched images are DICOM files, which this command does not "
                                + "render. " + ImageLoader.dicomRefusal(dicom.get(0)));
            }
            checkMissing(
                    leftOut,
                    "have no image in " + s.images().getFileName() + " (matched by " + labels.keyColumn() + ")",
                    s.skipMissing());
            reportSource = generate(s, inputs, model, reports);
        }

        // Extract, score.
        List<ScoredStudy> scored = new ArrayList<>();
        for (LabelledStudy study : labels.studies()) {
            String text = reports.get(study.id());
            if (text != null) scored.add(new ScoredStudy(study, labeler.label(text)));
        }
        Set<Finding> columns = labels.findingColumns().isEmpty()
                ? EnumSet.noneOf(Finding.class)
                : EnumSet.copyOf(labels.findingColumns());
        Scorer scorer = new Scorer(s.blank(), s.bootstrap(), s.seed());
        List<PolicyResult> results = new ArrayList<>();
        for (UncertainPolicy p : s.policies()) results.add(scorer.score(scored, columns, p));

        List<ExtractorQuality.SentenceSet> sets = s.labelerSentences() == null
                ? ExtractorQuality.defaultSets()
                : List.of(new ExtractorQuality.SentenceSet(
                        s.labelerSentences().getFileName().toString(), ExtractorQuality.read(s.labelerSentences())));
        List<ExtractorQuality.Result> quality = sets.stream()
                .map(set -> ExtractorQuality.measure(set.name(), set.sentences(), labeler))
                .toList();

        List<String> notInLabels = new ArrayList<>();
        for (Finding f : Finding.values()) if (!columns.contains(f)) notInLabels.add(f.chexpertColumn());
        EvaluationReport report = new EvaluationReport(
                new EvaluationReport.Settings(
                        s.labels().getFileName().toString(),
                        labels.keyColumn(),
                        reportSource,
                        s.dataset(),
                        s.policies().stream().map(UncertainPolicy::label).toList(),
                        s.blank() == BlankPolicy.NEGATIVE ? "negative" : "excluded",
                        s.bootstrap(),
                        s.seed()),
                conventions(s),
                scored.size(),
                List.copyOf(leftOut),
                notInLabels,
                List.copyOf(results),
                PaperComparison.of(s.dataset(), results),
                quality);

        // Outputs.
        List<StudyOutcome> outcomes = outcomes(scored, reports, imageNames, s);
        StringBuilder lines = new StringBuilder();
        for (StudyOutcome o : outcomes) lines.append(JSON.writeValueAsString(o)).append('\n');
        Files.writeString(s.out().resolve("studies.jsonl"), lines, StandardCharsets.UTF_8);
        Files.writeString(
                s.out().resolve("metrics.json"), PRETTY.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        String summary = TextSummary.render(report);
        Files.writeString(s.out().resolve("summary.txt"), summary, StandardCharsets.UTF_8);
        Files.writeString(
                s.out().resolve("report.html"),
                HtmlReport.render(report, gallery(outcomes, s)),
                StandardCharsets.UTF_8);
        stdout.print(summary);
        stdout.println();
        stdout.println("outputs: studies.jsonl, metrics.json, summary.txt, report.html in " + s.out());
        stdout.flush();
        return report;
    }

    private void checkMissing(List<String> missing, String what, boolean skip) {
        if (missing.isEmpty()) return;
        String list = String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                + (missing.size() > 5 ? ", ..." : "");
        if (!skip) {
            throw new UsageException(
                    missing.size() + " labelled studies " + what + ": " + list
                            + ". Fix the inputs, or pass --skip-missing to score the others (the count is then stated in the outputs).");
        }
        stderr.println("warning: " + missing.size() + " labelled studies " + what + " and are left out: " + list);
    }

    /** Runs the model on the studies not yet in generations.jsonl; fills {@code reports}; returns the source id. */
    private String generate(
            Settings s, List<StudyInput> inputs, Function<Integer, ReportSource> model, Map<String, String> reports)
            throws Exception {
        try (GenerationLog log = GenerationLog.open(s.out().resolve("generations.jsonl"))) {
            if (log.repairedBytes() > 0) {
                stderr.println("generations.jsonl: dropped an interrupted last line (" + log.repairedBytes()
                        + " bytes); it is generated again");
            }
            List<StudyInput> pending =
                    inputs.stream().filter(i -> !log.done().containsKey(i.id())).toList();
            String sourceId;
            if (pending.isEmpty()) {
                Set<String> sources = new java.util.TreeSet<>();
                for (StudyInput i : inputs) sources.add(log.done().get(i.id()).source());
                sourceId = String.join(" + ", sources);
                stderr.println("all " + inputs.size()
                        + " studies already generated in generations.jsonl; the model is not loaded");
            } else {
                if (!log.done().isEmpty()) {
                    stderr.println("resuming: " + (inputs.size() - pending.size()) + " of " + inputs.size()
                            + " studies already in generations.jsonl, " + pending.size() + " to go");
                }
                try (ReportSource source = model.apply(s.batch())) {
                    sourceId = source.sourceId();
                    log.requireSource(sourceId);
                    ProgressBar bar = new ProgressBar(
                            stderr,
                            System.console() != null && stderr == System.err,
                            System::nanoTime,
                            inputs.size(),
                            inputs.size() - pending.size());
                    bar.start();
                    for (int from = 0; from < pending.size(); from += s.batch()) {
                        List<StudyInput> batch = pending.subList(from, Math.min(pending.size(), from + s.batch()));
                        List<Generated> out = source.generate(batch);
                        log.append(out);
                        bar.advance(batch.size());
                    }
                }
            }
            for (StudyInput i : inputs)
                reports.put(i.id(), log.done().get(i.id()).report());
            return sourceId;
        }
    }

    private static List<String> conventions(Settings s) {
        List<String> c = new ArrayList<>();
        c.add("Label 1 is positive, 0 negative, -1 (uncertain) per the uncertain policy; a blank label is "
                + (s.blank() == BlankPolicy.NEGATIVE
                        ? "negative (CheXpert convention: the finding was not mentioned)."
                        : "excluded from that finding's counts."));
        c.add("The model's report is read by the findings extractor: PRESENT is positive, UNCERTAIN per the same "
                + "uncertain policy, ABSENT and NOT_MENTIONED are negative.");
        c.add("Uncertain policies reported: "
                + String.join(
                        ", ",
                        s.policies().stream()
                                .map(p -> p.label()
                                        + (p == UncertainPolicy.POSITIVE
                                                ? " (U-Ones: uncertain counts as positive)"
                                                : " (U-Zeros: uncertain counts as negative)"))
                                .toList())
                + ".");
        c.add("Precision TP/(TP+FP), recall TP/(TP+FN), F1 2TP/(2TP+FP+FN), support = positive labels; "
                + "a figure with a zero denominator is n/a, and macro averages are the unweighted means over the findings "
                + "whose figure is defined.");
        c.add("95 % confidence intervals: " + s.bootstrap() + " bootstrap resamples of the studies with replacement "
                + "(seed " + s.seed() + "), 2.5th and 97.5th percentiles (linear interpolation).");
        return c;
    }

    private static List<StudyOutcome> outcomes(
            List<ScoredStudy> scored, Map<String, String> reports, Map<String, String> imageNames, Settings s) {
        List<StudyOutcome> out = new ArrayList<>();
        for (ScoredStudy st : scored) {
            Map<String, String> labels = new LinkedHashMap<>();
            Map<String, String> predicted = new LinkedHashMap<>();
            for (Finding f : Finding.values()) {
                if (st.labelled().labels().containsKey(f))
                    labels.put(f.chexpertColumn(), st.labelled().label(f).code());
                predicted.put(f.chexpertColumn(), st.state(f).name());
            }
            Map<String, List<String>> disagreements = new LinkedHashMap<>();
            for (UncertainPolicy p : s.policies()) {
                List<String> cols = new ArrayList<>();
                for (Finding f :
                        st.labelled().labels().keySet().stream().sorted().toList()) {
                    Boolean truth = p.truth(st.labelled().label(f), s.blank());
                    if (truth != null && truth != p.predicted(st.state(f))) cols.add(f.chexpertColumn());
                }
                disagreements.put(p.label(), cols);
            }
            String id = st.labelled().id();
            out.add(new StudyOutcome(id, imageNames.get(id), reports.get(id), labels, predicted, disagreements));
        }
        return out;
    }

    private List<GalleryItem> gallery(List<StudyOutcome> outcomes, Settings s) {
        if (s.policies().isEmpty() || s.gallery() <= 0) return List.of();
        String policy = s.policies().get(0).label();
        List<StudyOutcome> worst = outcomes.stream()
                .filter(o -> !o.disagreements().get(policy).isEmpty())
                .sorted(Comparator.comparingInt(
                        (StudyOutcome o) -> -o.disagreements().get(policy).size()))
                .limit(s.gallery())
                .toList();
        List<GalleryItem> items = new ArrayList<>();
        for (StudyOutcome o : worst) {
            String png = null;
            String note = null;
            if (o.image() == null || s.images() == null) {
                note = "no image (reports-only run without --images, or no matching file)";
            } else {
                try {
                    png = Base64.getEncoder()
                            .encodeToString(ImageLoader.thumbnailPng(
                                    ImageLoader.readGrey8(s.images().resolve(o.image())), 280));
                } catch (IOException e) {
                    note = "image not shown: " + e.getMessage();
                }
            }
            List<GalleryItem.Row> rows = new ArrayList<>();
            for (Map.Entry<String, String> label : o.labels().entrySet()) {
                rows.add(new GalleryItem.Row(
                        label.getKey(),
                        label.getValue(),
                        o.predicted().get(label.getKey()),
                        o.disagreements().get(policy).contains(label.getKey())));
            }
            items.add(new GalleryItem(
                    o.id(),
                    o.image(),
                    png,
                    note,
                    o.report(),
                    o.disagreements().get(policy).size(),
                    rows));
        }
        return items;
    }
}

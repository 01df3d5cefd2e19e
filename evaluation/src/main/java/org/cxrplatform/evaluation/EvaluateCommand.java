package org.cxrplatform.evaluation;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.cxrplatform.evaluation.labeler.ReportLabeler;
import org.cxrplatform.evaluation.run.ModelReportSource;
import org.cxrplatform.evaluation.scoring.BlankPolicy;
import org.cxrplatform.evaluation.scoring.UncertainPolicy;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.RuntimeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code evaluate} command: see {@link Evaluator} for the pipeline and the outputs. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the model on a labelled set of chest X-rays (or scores reports written before), and writes per-finding "
                    + "precision, recall, F1, support, 95 %% bootstrap intervals, macro averages, confusion matrices, "
                    + "per-study outputs and a self-contained HTML report into --out.",
            "Labels: CSV in the CheXpert / MIMIC-CXR-JPG convention, a key column (Path, dicom_id or study_id) and one "
                    + "column per finding (Atelectasis, Cardiomegaly, Consolidation, Edema, Pleural Effusion, Pneumothorax, "
                    + "Pneumonia) with 1, 0, -1 or blank.",
            "Resumable: reports are appended to OUT/generations.jsonl after each batch; run the same command again after "
                    + "an interruption and the studies already done are skipped.",
            "DICOM files are refused: render them to 8-bit PNG with the platform's ingest renderer first."
        },
        exitCodeOnExecutionException = 1)
public final class EvaluateCommand implements Callable<Integer> {

    /** Both conventions, or one of them. */
    public enum UncertainChoice {
        positive,
        negative,
        both
    }

    /** What a blank label cell means. */
    public enum BlankChoice {
        negative,
        exclude
    }

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "CXR-LLaVA v2 checkpoint folder (not needed with --reports).")
    Path model;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "Folder of 8-bit PNG/JPEG images, searched recursively "
                    + "(optional with --reports: then only the gallery uses it).")
    Path images;

    @Option(names = "--labels", paramLabel = "CSV", required = true, description = "Labels file.")
    Path labels;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            required = true,
            description = "Output folder (created; reused to resume).")
    Path out;

    @Option(
            names = "--reports",
            paramLabel = "JSONL",
            description = "Score these reports instead of running the model: "
                    + "one {\"id\": \"<label key>\", \"report\": \"...\"} per line.")
    Path reports;

    @Option(names = "--batch", defaultValue = "4", description = "Studies per model call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--uncertain",
            defaultValue = "both",
            description = "How uncertain labels and hedged reports count: "
                    + "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    UncertainChoice uncertain;

    @Option(
            names = "--blank",
            defaultValue = "negative",
            description = "Blank label cells: ${COMPLETION-CANDIDATES} "
                    + "(default ${DEFAULT-VALUE}, the CheXpert convention: not mentioned).")
    BlankChoice blank;

    @Mixin
    BootstrapOptions bootstrap;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description =
                    "Name of the labelled set; 'mimic-cxr-test' puts the " + "paper's published figures beside ours.")
    String dataset;

    @Option(
            names = "--gallery",
            defaultValue = "12",
            description = "Largest disagreements shown in the HTML (default ${DEFAULT-VALUE}).")
    int gallery;

    @Option(
            names = "--skip-missing",
            description = "Score the studies that have an image (or report) and state how many "
                    + "were left out, instead of stopping.")
    boolean skipMissing;

    @Option(
            names = "--views",
            paramLabel = "CSV",
            description = "With per-study labels (study_id): metadata CSV with "
                    + "dicom_id and ViewPosition (MIMIC-CXR-JPG's mimic-cxr-2.0.0-metadata.csv) to take a PA, else AP, image of "
                    + "each study; without it the first image in path order is taken.")
    Path views;

    @Option(
            names = "--labeler-sentences",
            paramLabel = "TSV",
            description = "Labelled sentences (the findings module's TSV format: "
                    + "sentence<TAB>FINDING=STATE ...) to measure the findings extractor on (default: the findings module's shipped set and "
                    + "this module's independent one).")
    Path labelerSentences;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            description = "Model device: cpu or cuda:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(
            names = "--dtype",
            defaultValue = "fp32",
            description = "Model compute type: fp32 or fp16 (default ${DEFAULT-VALUE}).")
    String dtype;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "0",
            description = "Cap on generated tokens; 0 = the reference's "
                    + "min(512, 2048 - prompt length - 1) (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Override
    public Integer call() throws Exception {
        return execute(ReportLabeler.platform(), System.out, System.err);
    }

    Integer execute(ReportLabeler labeler, PrintStream stdout, PrintStream stderr) throws Exception {
        if (reports == null && model == null) {
            stderr.println("error: --model is required unless --reports is given");
            return 2;
        }
        if (reports != null && model != null) {
            stderr.println("note: --reports given, so --model is not used");
        }
        if (batch < 1) {
            stderr.println("error: --batch must be at least 1, not " + batch);
            return 2;
        }
        List<UncertainPolicy> policies = switch (uncertain) {
            case positive -> List.of(UncertainPolicy.POSITIVE);
            case negative -> List.of(UncertainPolicy.NEGATIVE);
            case both -> List.of(UncertainPolicy.POSITIVE, UncertainPolicy.NEGATIVE);
        };
        Evaluator.Settings settings = new Evaluator.Settings(
                labels,
                images,
                reports,
                out,
                dataset,
                policies,
                blank == BlankChoice.negative ? BlankPolicy.NEGATIVE : BlankPolicy.EXCLUDE,
                batch,
                bootstrap.resamples,
                bootstrap.seed,
                gallery,
                skipMissing,
                labelerSentences,
                views);
        GenerationOptions options = GenerationOptions.greedy().withMaxNewTokens(maxNewTokens);
        try {
            new Evaluator(labeler, stdout, stderr)
                    .run(settings, n -> ModelReportSource.load(model, new RuntimeOptions(device, dtype), options));
            return 0;
        } catch (Evaluator.UsageException | IllegalArgumentException | IllegalStateException e) {
            stderr.println("error: " + e.getMessage());
            return 2;
        } catch (java.nio.file.NoSuchFileException e) {
            stderr.println("error: no such file: " + e.getFile());
            return 2;
        }
    }
}

package org.cxrplatform.evaluation;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cxrplatform.evaluation.labeler.ExtractorQuality;
import org.cxrplatform.evaluation.labeler.HeldoutQuality;
import org.cxrplatform.evaluation.labeler.HeldoutSet;
import org.cxrplatform.evaluation.labeler.ReportLabeler;
import org.cxrplatform.evaluation.report.TextSummary;
import org.cxrplatform.evaluation.scoring.PolicyResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code extractor} command: how well the findings extractor reads labelled text, on the
 * sentence sets {@code evaluate} prints and, with {@code --heldout}, on a held-out set of reports,
 * sentences and pneumothorax alert sentences labelled independently of its rules.
 */
@Command(
        name = "extractor",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures the platform's findings extractor: on the labelled sentence sets every evaluation prints, "
                    + "and with --heldout on a held-out folder (reports.jsonl + labels.csv, sentences.tsv, pneumothorax-alerts.tsv; "
                    + "see evaluation/src/test/resources/heldout/LABELLING.md): per-finding precision, recall and F1 with macro "
                    + "F1 over the paper's six findings and all seven, for reports and sentences under both uncertain policies, "
                    + "and the pneumothorax alert's precision and recall."
        },
        exitCodeOnExecutionException = 1)
public final class ExtractorCommand implements Callable<Integer> {

    @Option(names = "--heldout", paramLabel = "DIR", description = "Held-out set folder.")
    Path heldout;

    @Mixin
    BootstrapOptions bootstrap;

    @Override
    public Integer call() throws Exception {
        return execute(ReportLabeler.platform(), System.out, System.err);
    }

    Integer execute(ReportLabeler labeler, PrintStream stdout, PrintStream stderr) throws Exception {
        for (ExtractorQuality.SentenceSet set : ExtractorQuality.defaultSets()) {
            stdout.println(TextSummary.labelerQuality(ExtractorQuality.measure(set.name(), set.sentences(), labeler)));
        }
        if (heldout == null) {
            return 0;
        }
        HeldoutSet set;
        try {
            set = HeldoutSet.read(heldout);
        } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
            stderr.println("error: " + e.getMessage());
            return 2;
        }
        HeldoutQuality.Result result = HeldoutQuality.measure(set, labeler, bootstrap.resamples, bootstrap.seed);
        stdout.println("== held-out set " + heldout + " (labelled independently of the extractor's rules) ==");
        stdout.println(
                "Extractor PRESENT and label 1 / PRESENT are positive; blank / NOT_MENTIONED and ABSENT negative; "
                        + "uncertain per policy on both sides.");
        print(stdout, "reports", set.reports().size(), result.reports());
        print(stdout, "sentences", set.sentences().size(), result.sentences());
        HeldoutQuality.Alerts alerts = result.alerts();
        stdout.printf(
                Locale.ROOT,
                "%n-- pneumothorax alert corpus: %d sentences (%d alert, %d not) --%n",
                set.alerts().size(),
                alerts.confusion().support(),
                alerts.confusion().total() - alerts.confusion().support());
        stdout.printf(
                Locale.ROOT,
                "alert precision %s, recall %s (TP %d, FP %d, FN %d, TN %d)%n",
                TextSummary.num(alerts.confusion().precision()),
                TextSummary.num(alerts.confusion().recall()),
                alerts.confusion().tp(),
                alerts.confusion().fp(),
                alerts.confusion().fn(),
                alerts.confusion().tn());
        for (Map.Entry<String, int[]> c : alerts.wrongOfTotalByCategory().entrySet()) {
            if (c.getValue()[0] > 0) {
                stdout.printf(
                        Locale.ROOT,
                        "  %-28s %d of %d decided wrongly%n",
                        c.getKey(),
                        c.getValue()[0],
                        c.getValue()[1]);
            }
        }
        return 0;
    }

    private static void print(PrintStream stdout, String what, int size, java.util.List<PolicyResult> results) {
        for (PolicyResult p : results) {
            stdout.printf(Locale.ROOT, "%n-- %s (%d), %s --%n", what, size, p.policyLabel());
            stdout.print(TextSummary.policyTable(p));
        }
    }
}

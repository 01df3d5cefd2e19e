package org.cxrplatform.evaluation.report;

import java.util.Locale;
import java.util.stream.Collectors;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.evaluation.labeler.ExtractorQuality;
import org.cxrplatform.evaluation.scoring.FindingMetrics;
import org.cxrplatform.evaluation.scoring.Interval;
import org.cxrplatform.evaluation.scoring.MacroMetrics;
import org.cxrplatform.evaluation.scoring.PolicyResult;

/** The plain-text summary printed on stdout and written as {@code summary.txt}. */
public final class TextSummary {

    private TextSummary() {}

    public static String render(EvaluationReport r) {
        StringBuilder out = new StringBuilder();
        EvaluationReport.Settings s = r.settings();
        out.append("CXR-LLaVA evaluation\n");
        out.append("  labels:   ")
                .append(s.labelsFile())
                .append(" (key column ")
                .append(s.keyColumn())
                .append(")\n");
        out.append("  reports:  ").append(s.reportSource()).append('\n');
        out.append("  dataset:  ")
                .append(s.dataset() == null ? "(not stated)" : s.dataset())
                .append('\n');
        out.append("  studies:  ").append(r.studies()).append(" scored");
        if (!r.leftOut().isEmpty())
            out.append(", ").append(r.leftOut().size()).append(" left out (no image or report)");
        out.append('\n');
        if (!r.findingsNotInLabels().isEmpty()) {
            out.append("  not scored (no column in the labels file): ")
                    .append(String.join(", ", r.findingsNotInLabels()))
                    .append('\n');
        }
        out.append("Conventions:\n");
        for (String c : r.conventions()) out.append("  - ").append(c).append('\n');

        for (PolicyResult p : r.results()) {
            out.append('\n').append("== ").append(p.policyLabel()).append(" ==\n");
            out.append(policyTable(p));
        }

        out.append("\n== comparison with the paper ==\n");
        out.append(wrap(r.paper().note(), "  ")).append('\n');
        for (PaperComparison.Row row : r.paper().rows()) {
            out.append(String.format(Locale.ROOT, "  %-38s paper %s", row.figure(), num(row.paper())));
            for (PaperComparison.PolicyFigure f : row.ours()) {
                out.append(String.format(Locale.ROOT, " | ours (%s) %s", f.policy(), num(f.value())));
            }
            out.append('\n');
        }

        for (ExtractorQuality.Result q : r.labeler()) {
            out.append('\n').append(labelerQuality(q));
        }
        return out.toString();
    }

    /** One policy's table: a row per finding, then the two macro rows. */
    public static String policyTable(PolicyResult p) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%-18s %7s %9s %7s %7s %17s %5s %5s %5s %5s %5s%n",
                "finding",
                "support",
                "precision",
                "recall",
                "F1",
                "F1 95% CI",
                "TP",
                "FP",
                "FN",
                "TN",
                "excl"));
        for (FindingMetrics m : p.findings()) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-18s %7d %9s %7s %7s %17s %5d %5d %5d %5d %5d%n",
                    m.column(),
                    m.support(),
                    num(m.precision()),
                    num(m.recall()),
                    num(m.f1()),
                    ci(m.f1Ci()),
                    m.confusion().tp(),
                    m.confusion().fp(),
                    m.confusion().fn(),
                    m.confusion().tn(),
                    m.excluded()));
        }
        for (MacroMetrics macro : new MacroMetrics[] {p.macroPaperSix(), p.macroAllSeven()}) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-18s %7s %9s %7s %7s %17s",
                    "macro " + macro.name(),
                    "",
                    num(macro.precision()),
                    num(macro.recall()),
                    num(macro.f1()),
                    ci(macro.f1Ci())));
            if (macro.findings().size()
                            < (macro.name().equals("paper six") ? Finding.PAPER_SIX.size() : Finding.values().length)
                    || !macro.undefined().isEmpty()) {
                out.append("  over ")
                        .append(macro.findings().size() - macro.undefined().size())
                        .append(" finding(s)");
                if (!macro.undefined().isEmpty()) {
                    out.append("; F1 undefined for ")
                            .append(macro.undefined().stream()
                                    .map(Finding::chexpertColumn)
                                    .collect(Collectors.joining(", ")));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The extractor's agreement with one labelled sentence set. */
    public static String labelerQuality(ExtractorQuality.Result q) {
        StringBuilder out = new StringBuilder();
        out.append("== findings extractor quality (")
                .append(q.sentences())
                .append(" labelled sentences: ")
                .append(q.sentenceSet())
                .append(") ==\n");
        out.append("Every figure above is read from report text by this extractor; its own errors are in them.\n");
        out.append(String.format(
                Locale.ROOT,
                "%-18s %9s %12s %10s %9s %12s%n",
                "finding",
                "mentioned",
                "mentioned F1",
                "present F1",
                "absent F1",
                "uncertain F1"));
        for (ExtractorQuality.FindingQuality f : q.findings()) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-18s %9d %12s %10s %9s %12s%n",
                    f.column(),
                    f.mentioned(),
                    num(f.mentionedCorrectlyF1()),
                    num(f.presentF1()),
                    num(f.absentF1()),
                    num(f.uncertainF1())));
        }
        out.append("(mentioned F1: mentioned with the right state; state accuracy over all sentences and findings ")
                .append(num(q.accuracy()))
                .append(")\n");
        for (String m : q.misread()) out.append("  misread: ").append(m).append('\n');
        return out.toString();
    }

    public static String num(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String ci(Interval i) {
        return i.low() == null ? "n/a" : "[" + num(i.low()) + ", " + num(i.high()) + "]";
    }

    private static String wrap(String text, String indent) {
        StringBuilder out = new StringBuilder(indent);
        int col = indent.length();
        for (String word : text.split(" ")) {
            if (col + word.length() > 100 && col > indent.length()) {
                out.append('\n').append(indent);
                col = indent.length();
            } else if (col > indent.length()) {
                out.append(' ');
                col++;
            }
            out.append(word);
            col += word.length();
        }
        return out.toString();
    }
}

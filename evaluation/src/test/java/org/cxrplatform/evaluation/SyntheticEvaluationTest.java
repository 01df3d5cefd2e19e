package org.cxrplatform.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.evaluation.labeler.ReportLabeler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command on a labelled set whose figures are known by construction ({@link SyntheticSet}):
 * precomputed reports, so the figures depend on scoring alone (and on the extractor reading the
 * plain template sentences right, which is checked first).
 */
class SyntheticEvaluationTest {

    @TempDir
    static Path dir;

    static Path labels, reports, images, out;
    static Cli.Result run;

    @BeforeAll
    static void evaluate() throws Exception {
        labels = dir.resolve("labels.csv");
        reports = dir.resolve("reports.jsonl");
        images = dir.resolve("images");
        out = dir.resolve("out");
        SyntheticSet.write(labels, reports);
        SyntheticSet.writeImages(images, SyntheticSet.STUDIES, 96, 80);
        run = Cli.run(
                "evaluate",
                "--reports",
                reports.toString(),
                "--labels",
                labels.toString(),
                "--images",
                images.toString(),
                "--out",
                out.toString(),
                "--bootstrap",
                "300",
                "--seed",
                "5");
    }

    @Test
    void theExtractorReadsTheTemplateSentencesAsMeant() {
        ReportLabeler labeler = ReportLabeler.platform();
        SyntheticSet.SENTENCES.forEach((finding, byState) -> byState.forEach((state, sentence) ->
                assertThat(labeler.label(sentence).get(finding)).as(sentence).isEqualTo(state)));
        for (int i = 0; i < SyntheticSet.STUDIES; i++) {
            Map<Finding, FindingState> read = labeler.label(SyntheticSet.report(i));
            for (Finding f : Finding.values()) {
                assertThat(read.get(f))
                        .as(SyntheticSet.report(i))
                        .isEqualTo(SyntheticSet.CELLS.get(f).get(i).state());
            }
        }
    }

    private static String section(String summary, String title) {
        int start = summary.indexOf("== " + title + " ==");
        assertThat(start).as("section " + title).isNotNegative();
        int end = summary.indexOf("\n== ", start + 1);
        return summary.substring(start, end < 0 ? summary.length() : end);
    }

    private static void assertRow(String section, String column, String figures, String counts) {
        String ci = "(\\[\\d\\.\\d{3}, \\d\\.\\d{3}\\]|n/a)";
        Pattern row = Pattern.compile("(?m)^" + Pattern.quote(column) + "\\s+" + figures.replace(" ", "\\s+") + "\\s+"
                + ci + "\\s+" + counts.replace(" ", "\\s+") + "$");
        assertThat(row.matcher(section).find()).as(column + " in\n" + section).isTrue();
    }

    @Test
    void printsExactlyTheFiguresKnownByConstruction() {
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        String positive = section(run.stdout(), "uncertain-as-positive");
        //        column              support precision recall F1              TP FP FN TN excl
        assertRow(positive, "Atelectasis", "2 0.500 1.000 0.667", "2 2 0 16 0");
        assertRow(positive, "Cardiomegaly", "9 0.750 0.667 0.706", "6 2 3 9 0");
        assertRow(positive, "Consolidation", "3 n/a 0.000 0.000", "0 0 3 17 0");
        assertRow(positive, "Edema", "4 1.000 1.000 1.000", "4 0 0 16 0");
        assertRow(positive, "Pleural Effusion", "9 0.800 0.889 0.842", "8 2 1 9 0");
        assertRow(positive, "Pneumothorax", "0 n/a n/a n/a", "0 0 0 20 0");
        assertRow(positive, "Pneumonia", "1 0.500 1.000 0.667", "1 1 0 18 0");
        assertThat(positive)
                .containsPattern(
                        "(?m)^macro paper six\\s+\\S+\\s+0\\.711\\s+0\\.643\\s+\\[.*\\]\\s+over 5 finding\\(s\\); "
                                + "F1 undefined for Pneumothorax$");
        assertThat(positive).containsPattern("(?m)^macro all seven\\s+\\S+\\s+\\S+\\s+0\\.647\\s+\\[");

        String negative = section(run.stdout(), "uncertain-as-negative");
        assertRow(negative, "Cardiomegaly", "9 0.750 0.667 0.706", "6 2 3 9 0");
        assertRow(negative, "Pleural Effusion", "6 0.833 0.833 0.833", "5 1 1 13 0");
        assertThat(negative).containsPattern("(?m)^macro paper six\\s+\\S+\\s+0\\.700\\s+0\\.641\\s+\\[");
        assertThat(negative).containsPattern("(?m)^macro all seven\\s+\\S+\\s+\\S+\\s+0\\.645\\s+\\[");

        assertThat(run.stdout())
                .contains("blank label is negative (CheXpert convention")
                .contains("UNCERTAIN per the same uncertain policy, ABSENT and NOT_MENTIONED are negative")
                .contains("300 bootstrap resamples")
                .contains("seed 5");
    }

    @Test
    void metricsJsonHoldsTheSameFiguresAndSaneIntervals() throws Exception {
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(m.path("studies").asInt()).isEqualTo(20);
        JsonNode pos = m.path("results").get(0);
        assertThat(pos.path("policy").asText()).isEqualTo("POSITIVE");
        assertThat(pos.path("macroPaperSix").path("f1").asDouble())
                .isCloseTo((2.0 / 3 + 12.0 / 17 + 0 + 1 + 16.0 / 19) / 5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(pos.path("macroPaperSix").path("precision").asDouble())
                .isCloseTo((0.5 + 0.75 + 1 + 0.8) / 4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(pos.path("macroAllSeven").path("f1").asDouble())
                .isCloseTo(
                        (2.0 / 3 + 12.0 / 17 + 0 + 1 + 16.0 / 19 + 2.0 / 3) / 6,
                        org.assertj.core.data.Offset.offset(1e-12));
        for (JsonNode f : pos.path("findings")) {
            if (f.path("f1").isNull()) {
                assertThat(f.path("f1Ci").path("low").isNull()).isTrue();
                continue;
            }
            double f1 = f.path("f1").asDouble(),
                    low = f.path("f1Ci").path("low").asDouble(),
                    high = f.path("f1Ci").path("high").asDouble();
            assertThat(low).as(f.path("column").asText()).isLessThanOrEqualTo(f1 + 1e-9);
            assertThat(high).as(f.path("column").asText()).isGreaterThanOrEqualTo(f1 - 1e-9);
        }
        JsonNode edema = pos.path("findings").get(3);
        assertThat(edema.path("column").asText()).isEqualTo("Edema");
        assertThat(edema.path("f1Ci").path("low").asDouble()).isEqualTo(1.0);

        List<String> lines = Files.readAllLines(out.resolve("studies.jsonl"));
        assertThat(lines).hasSize(20);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.path("id").asText()).isEqualTo("img01");
        assertThat(first.path("image").asText()).isEqualTo("img01.png");
        assertThat(first.path("labels").path("Cardiomegaly").asText()).isEqualTo("1");
        assertThat(first.path("predicted").path("Cardiomegaly").asText()).isEqualTo("PRESENT");
        // study 20: pleural effusion label 0, report ABSENT; pneumonia blank, not mentioned
        JsonNode last = new ObjectMapper().readTree(lines.get(19));
        assertThat(last.path("labels").path("Pneumonia").asText()).isEmpty();
        assertThat(last.path("disagreements").path("uncertain-as-positive").isArray())
                .isTrue();
    }

    @Test
    void statesThatTheSetIsNotThePapersUnlessToldSo() throws Exception {
        assertThat(run.stdout())
                .contains("not the paper's MIMIC-CXR test split")
                .contains("not comparable");
        Cli.Result mimic = Cli.run(
                "evaluate",
                "--reports",
                reports.toString(),
                "--labels",
                labels.toString(),
                "--out",
                dir.resolve("out-mimic").toString(),
                "--bootstrap",
                "50",
                "--dataset",
                "mimic-cxr-test");
        assertThat(mimic.exitCode()).as(mimic.stderr()).isZero();
        assertThat(mimic.stdout())
                .contains("paper 0.810 | ours (uncertain-as-positive) 0.643 | ours (uncertain-as-negative) 0.641");
        assertThat(mimic.stdout().replaceAll("\\s+", " "))
                .contains("per-finding values and its handling of uncertain labels are not reproduced here");
    }

    @Test
    void printsTheExtractorsQualityOnTheFindingsModulesSetAndOnAnIndependentOne() {
        assertThat(run.stdout())
                .containsPattern(
                        "== findings extractor quality \\(\\d{3} labelled sentences: the findings module's labelled "
                                + "sentence set, which the extractor was developed on\\) ==");
        assertThat(run.stdout())
                .contains("== findings extractor quality (64 labelled sentences: the evaluation module's set, "
                        + "labelled independently of the extractor) ==");
        assertThat(run.stdout())
                .containsPattern("(?m)^Pleural Effusion\\s+\\d+\\s+\\d\\.\\d{3}\\s+\\d\\.\\d{3}\\s+\\d\\.\\d{3}\\s+");
    }

    /** Chromium's log line for any console message (error, warning, log) or uncaught exception. */
    static final Pattern CONSOLE_OR_ERROR = Pattern.compile("(?i):CONSOLE|uncaught");

    @Test
    void measuresTheExtractorOnAnotherSentenceSetWhenGivenOne() throws Exception {
        Path set = dir.resolve("three.tsv");
        // the third is labelled wrongly on purpose: the extractor reads it PRESENT
        Files.writeString(
                set,
                "No pneumothorax.\tPNEUMOTHORAX=ABSENT\nModerate cardiomegaly.\tCARDIOMEGALY=PRESENT\n"
                        + "Small right apical pneumothorax.\tPNEUMOTHORAX=ABSENT\n");
        Cli.Result r = Cli.run(
                "evaluate",
                "--reports",
                reports.toString(),
                "--labels",
                labels.toString(),
                "--out",
                dir.resolve("out-sentences").toString(),
                "--bootstrap",
                "0",
                "--labeler-sentences",
                set.toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("== findings extractor quality (3 labelled sentences: three.tsv) ==");
        // pneumothorax: 2 sentences; ABSENT one-vs-rest TP 1, FN 1 -> F1 2/3; PRESENT TP 0, FP 1 -> F1 0
        assertThat(r.stdout()).containsPattern("(?m)^Pneumothorax\\s+2\\s+0\\.500\\s+0\\.000\\s+0\\.667\\s+n/a$");
        assertThat(r.stdout()).containsPattern("(?m)^Cardiomegaly\\s+1\\s+1\\.000\\s+1\\.000\\s+n/a\\s+n/a$");
        assertThat(r.stdout())
                .contains("misread: \"Small right apical pneumothorax.\": Pneumothorax expected ABSENT, read PRESENT;");
    }

    @Test
    void theChromiumCheckSeesConsoleMessagesAndScriptErrors() throws Exception {
        assumeThat(Files.isExecutable(Chromium.BINARY))
                .as("Debian chromium installed")
                .isTrue();
        Path broken = dir.resolve("broken.html");
        Files.writeString(broken, "<html><body><script>console.warn('careful'); notDefined();</script></body></html>");
        Chromium.Page page = Chromium.dumpDom(broken, dir);
        List<String> flagged = page.log()
                .lines()
                .filter(l -> CONSOLE_OR_ERROR.matcher(l).find())
                .toList();
        assertThat(flagged).hasSize(2);
        assertThat(flagged.get(0)).contains("careful");
        assertThat(flagged.get(1)).contains("Uncaught ReferenceError");
    }

    @Test
    void theHtmlRendersInHeadlessChromiumWithItsCharts() throws Exception {
        assumeThat(Files.isExecutable(Chromium.BINARY))
                .as("Debian chromium installed")
                .isTrue();
        Path html = out.resolve("report.html");
        String source = Files.readString(html);
        assertThat(Pattern.compile("<script[^>]*\\ssrc=|<link[^>]*\\shref=|<img[^>]*\\ssrc=\"(?!data:)")
                        .matcher(source.replaceAll("(?s)<script>.*?</script>", ""))
                        .find())
                .as("report.html loads nothing from outside itself")
                .isFalse();
        assertThat(source.contains("<script src")).isFalse();
        assertThat(source.contains("Apache ECharts " + org.cxrplatform.evaluation.report.HtmlReport.echartsVersion()))
                .as("ECharts inlined")
                .isTrue();

        Chromium.Page page = Chromium.dumpDom(html, dir);
        Files.writeString(dir.resolve("chromium.log"), page.log());
        assertThat(CONSOLE_OR_ERROR.matcher(page.log()).find())
                .as("console output or script errors in the Chromium log " + dir.resolve("chromium.log"))
                .isFalse();
        assertThat(page.dom().contains("data-errors=\""))
                .as("window.onerror fired")
                .isFalse();
        // F1 + precision-recall + 2 policies x 7 confusion matrices
        assertThat(page.dom().contains("data-charts=\"16\""))
                .as("16 charts drawn")
                .isTrue();
        for (String id : List.of("chart-f1", "chart-pr", "chart-cm-0-0", "chart-cm-1-6")) {
            int at = page.dom().indexOf("id=\"" + id + "\"");
            assertThat(at).as(id).isPositive();
            String chart = page.dom().substring(at, page.dom().indexOf("</svg>", at));
            assertThat(chart).as(id).contains("<svg").contains("<path");
        }
        String f1 = page.dom().substring(page.dom().indexOf("id=\"chart-f1\""));
        f1 = f1.substring(0, f1.indexOf("</svg>"));
        for (Finding f : Finding.values()) assertThat(f1).contains(">" + f.chexpertColumn() + "<");
        assertThat(f1).contains("uncertain-as-positive").contains("uncertain-as-negative");
        // the gallery: images inlined
        assertThat(page.dom().contains("<img alt=\"img")).as("gallery pictures").isTrue();
        assertThat(page.dom().contains("data:image/png;base64,"))
                .as("pictures inlined")
                .isTrue();

        // a picture to look at: target/report-screenshot.png
        Chromium.screenshot(
                html, dir, Path.of("target", "report-screenshot.png").toAbsolutePath());
    }
}

package org.cxrplatform.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.cxrplatform.evaluation.labeler.ReportLabeler;
import org.cxrplatform.evaluation.run.Generated;
import org.cxrplatform.evaluation.run.ModelReportSource;
import org.cxrplatform.evaluation.run.ReportSource;
import org.cxrplatform.evaluation.run.StudyInput;
import org.cxrplatform.evaluation.scoring.BlankPolicy;
import org.cxrplatform.evaluation.scoring.UncertainPolicy;
import org.cxrplatform.llava.BundledModel;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.RuntimeOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real model path: synthetic images → tiny random-weight CXR-LLaVA (its text is gibberish,
 * so only the mechanics are checked here) → extractor → scores; interrupted after one batch and
 * resumed, it gives byte-identical outputs.
 */
class ModelPathTest {

    static final int STUDIES = 5;
    static final List<String> OUTPUTS = List.of("studies.jsonl", "metrics.json", "summary.txt", "report.html");

    @TempDir
    static Path dir;

    static Path model, images, labels;

    @BeforeAll
    static void inputs() throws Exception {
        model = BundledModel.extractTo(dir.resolve("tiny-cxr-llava"));
        images = dir.resolve("images");
        SyntheticSet.writeImages(images.resolve("files/p10/p10000032/s50414267"), STUDIES, 90, 72);
        labels = dir.resolve("labels.csv");
        StringBuilder csv = new StringBuilder(
                "Path,Atelectasis,Cardiomegaly,Consolidation,Edema,Pleural Effusion,Pneumothorax,Pneumonia\n");
        String[] rows = {"1,0,,0,1,0,", "0,1,-1,,0,0,1", ",,,1,-1,0,", "0,0,0,0,0,1,0", "1,1,1,1,1,1,1"};
        for (int i = 0; i < STUDIES; i++) {
            csv.append("mimic-cxr-jpg/2.0.0/files/p10/p10000032/s50414267/")
                    .append(SyntheticSet.id(i))
                    .append(".png,")
                    .append(rows[i])
                    .append('\n');
        }
        Files.writeString(labels, csv);
    }

    private static String[] args(Path out) {
        return new String[] {
            "evaluate",
            "--model",
            model.toString(),
            "--images",
            images.toString(),
            "--labels",
            labels.toString(),
            "--out",
            out.toString(),
            "--batch",
            "2",
            "--max-new-tokens",
            "12",
            "--bootstrap",
            "200",
            "--seed",
            "9"
        };
    }

    @Test
    void runsTheModelAndResumesAfterAnInterruptionToTheSameOutputs() throws Exception {
        Path straight = dir.resolve("straight");
        Cli.Result a = Cli.run(args(straight));
        assertThat(a.exitCode()).as(a.stderr()).isZero();
        assertThat(a.stderr()).contains("5/5 100%").contains("ETA");
        List<Generated> generated = readLog(straight);
        assertThat(generated).hasSize(STUDIES);
        assertThat(generated).allSatisfy(g -> {
            assertThat(g.imageTokens()).isEqualTo(16);
            assertThat(g.generatedTokens()).isBetween(1, 12);
            assertThat(g.source()).startsWith("model:").contains("greedy");
            assertThat(g.image()).startsWith("files/p10/p10000032/s50414267/");
        });
        assertThat(a.stdout()).contains("== uncertain-as-positive ==").contains("== uncertain-as-negative ==");

        // Interrupted: the process dies after its first batch of 2, in the middle of writing a third line.
        Path resumed = dir.resolve("resumed");
        Evaluator.Settings settings = new Evaluator.Settings(
                labels,
                images,
                null,
                resumed,
                null,
                List.of(UncertainPolicy.POSITIVE, UncertainPolicy.NEGATIVE),
                BlankPolicy.NEGATIVE,
                2,
                200,
                9,
                12,
                false,
                null,
                null);
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new Evaluator(ReportLabeler.platform(), sink, sink)
                        .run(
                                settings,
                                n -> new DiesAfterOneBatch(ModelReportSource.load(
                                        model,
                                        RuntimeOptions.cpu(),
                                        GenerationOptions.greedy().withMaxNewTokens(12)))))
                .hasMessageContaining("killed");
        assertThat(readLog(resumed)).hasSize(2);
        Files.writeString(
                resumed.resolve("generations.jsonl"), "{\"id\":\"mimic-cxr-jpg/2.0.0/fi", StandardOpenOption.APPEND);
        assertThat(Files.exists(resumed.resolve("metrics.json"))).isFalse();

        Cli.Result b = Cli.run(args(resumed));
        assertThat(b.exitCode()).as(b.stderr()).isZero();
        assertThat(b.stderr())
                .contains("dropped an interrupted last line")
                .contains("resuming: 2 of 5 studies already in generations.jsonl, 3 to go");
        for (String file : OUTPUTS) {
            assertThat(Files.readString(resumed.resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readString(straight.resolve(file)));
        }
        assertThat(withoutTimings(readLog(resumed))).isEqualTo(withoutTimings(readLog(straight)));
        assertThat(b.stdout()).isEqualTo(a.stdout().replace(straight.toString(), resumed.toString()));

        // Run again when everything is done: the model is not even loaded, outputs unchanged.
        Cli.Result c = Cli.run(args(resumed));
        assertThat(c.exitCode()).as(c.stderr()).isZero();
        assertThat(c.stderr())
                .contains("all 5 studies already generated in generations.jsonl; the model is not loaded");
        for (String file : OUTPUTS) {
            assertThat(Files.readString(resumed.resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readString(straight.resolve(file)));
        }
    }

    @Test
    void refusesDicomFilesWithWhatToDoInstead() throws Exception {
        Path withDicom = dir.resolve("with-dicom");
        Files.createDirectories(withDicom);
        byte[] dicom = new byte[256];
        System.arraycopy("DICM".getBytes(StandardCharsets.US_ASCII), 0, dicom, 128, 4);
        Files.write(withDicom.resolve("img01"), dicom);
        Path csv = dir.resolve("dicom-labels.csv");
        Files.writeString(csv, "dicom_id,Edema\nimg01,1\n");
        Cli.Result r = Cli.run(
                "evaluate",
                "--model",
                model.toString(),
                "--images",
                withDicom.toString(),
                "--labels",
                csv.toString(),
                "--out",
                dir.resolve("out-dicom").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr())
                .contains("1 of the matched images are DICOM files")
                .contains("ingest renderer")
                .contains("8-bit PNG");
    }

    @Test
    void stopsWhenLabelledStudiesHaveNoImageUnlessToldToSkipThem() throws Exception {
        Path csv = dir.resolve("missing-labels.csv");
        Files.writeString(csv, "dicom_id,Edema\nimg01,1\nnot-there,0\n");
        Cli.Result r = Cli.run(
                "evaluate",
                "--model",
                model.toString(),
                "--images",
                images.toString(),
                "--labels",
                csv.toString(),
                "--out",
                dir.resolve("out-missing").toString(),
                "--max-new-tokens",
                "4");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr())
                .contains("1 labelled studies have no image")
                .contains("not-there")
                .contains("--skip-missing");
        Cli.Result skipped = Cli.run(
                "evaluate",
                "--model",
                model.toString(),
                "--images",
                images.toString(),
                "--labels",
                csv.toString(),
                "--out",
                dir.resolve("out-missing").toString(),
                "--max-new-tokens",
                "4",
                "--skip-missing",
                "--bootstrap",
                "10");
        assertThat(skipped.exitCode()).as(skipped.stderr()).isZero();
        assertThat(skipped.stdout()).contains("1 scored, 1 left out (no image or report)");
    }

    private static List<Generated> readLog(Path out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(out.resolve("generations.jsonl")).stream()
                .filter(l -> l.endsWith("}"))
                .map(l -> {
                    try {
                        return json.readValue(l, Generated.class);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static List<String> withoutTimings(List<Generated> log) {
        ObjectMapper json = new ObjectMapper();
        return log.stream()
                .map(g -> {
                    ObjectNode n = json.valueToTree(g);
                    n.remove(List.of("visionMs", "prefillMs", "decodeMs"));
                    return n.toString();
                })
                .toList();
    }

    /** The model, until the process is "killed" right after its first batch was written. */
    private static final class DiesAfterOneBatch implements ReportSource {
        private final ReportSource inner;
        private int batches;

        DiesAfterOneBatch(ReportSource inner) {
            this.inner = inner;
        }

        @Override
        public String sourceId() {
            return inner.sourceId();
        }

        @Override
        public List<Generated> generate(List<StudyInput> batch) throws IOException {
            if (batches++ == 1) throw new IOException("killed");
            return inner.generate(batch);
        }

        @Override
        public void close() throws Exception {
            inner.close();
        }
    }
}

package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.cli.CxrLlavaCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process exactly as {@code java -jar cxr-llava.jar} runs it. */
class CliTest {

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CxrLlavaCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void jsonCarriesTheReferenceIdsForBothFixtures() throws Exception {
        for (String name : new String[] {Fixtures.TINY, Fixtures.TINY_512}) {
            JsonNode expected = Fixtures.expected(name);
            int n = expected.get("generated_ids").size();
            Result r = cli(
                    "generate",
                    "--model",
                    Fixtures.model(name).toString(),
                    "--image",
                    Fixtures.reference(name).resolve("input.png").toString(),
                    "--max-new-tokens",
                    String.valueOf(n),
                    "--temperature",
                    "0",
                    "--json");
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.get("prompt").asText())
                    .isEqualTo(expected.get("prompt").asText());
            assertThat(json.get("input_ids")).isEqualTo(expected.get("input_ids"));
            assertThat(json.get("generated_ids")).isEqualTo(expected.get("generated_ids"));
            assertThat(json.get("text").asText())
                    .isEqualTo(expected.get("generated_text").asText());
            assertThat(json.get("image_tokens").asInt())
                    .isEqualTo(expected.get("num_image_tokens").asInt());
            assertThat(json.get("findings").size()).isEqualTo(7); // every finding, random text: not mentioned
            assertThat(json.get("findings").get("pneumothorax").asText()).isEqualTo("not_mentioned");
            assertThat(json.get("timings").get("decode_ms").asLong()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void plainOutputIsTheTextAndTheBundledModelIsTheDefault() {
        JsonNode expected = Fixtures.expected(Fixtures.TINY);
        Result r = cli(
                "generate",
                "--image",
                Fixtures.reference(Fixtures.TINY).resolve("input.png").toString(),
                "--max-new-tokens",
                "24",
                "--temperature",
                "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip())
                .isEqualTo(expected.get("generated_text").asText().strip());
    }

    @Test
    void streamedOutputEndsAsTheWholeText() {
        String text = Fixtures.expected(Fixtures.TINY).get("generated_text").asText();
        Result r = cli(
                "generate",
                "--model",
                Fixtures.model(Fixtures.TINY).toString(),
                "--image",
                Fixtures.reference(Fixtures.TINY).resolve("input.png").toString(),
                "--max-new-tokens",
                "24",
                "--temperature",
                "0",
                "--stream");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(text + System.lineSeparator());
    }

    /** Copies the fixture image and its mirror image into {@code tmp} and writes {@code lines} as requests.jsonl. */
    private Path requests(String... lines) throws Exception {
        BufferedImage input = Fixtures.image(Fixtures.reference(Fixtures.TINY).resolve("input.png"));
        ImageIO.write(input, "png", tmp.resolve("input.png").toFile());
        ImageIO.write(
                ParityTest.mirrored(input), "png", tmp.resolve("mirror.png").toFile());
        Path file = tmp.resolve("requests.jsonl");
        java.nio.file.Files.write(file, java.util.List.of(lines));
        return file;
    }

    @Test
    void batchRunsRequestsThatJoinMidFlightAndKeepsTheReferenceIds() throws Exception {
        Path file = requests(
                "{\"id\": \"fixture\", \"image\": \"input.png\", \"max_new_tokens\": 24, \"arrive_at_step\": 3}",
                "{\"id\": \"q\", \"image\": \"mirror.png\", \"question\": \"Is there a pneumothorax?\", \"max_new_tokens\": 10}",
                "",
                "{\"id\": \"d\", \"image\": \"input.png\", \"task\": \"differential\", \"max_new_tokens\": 40, \"arrive_at_step\": 0}",
                "{\"id\": \"late\", \"image\": \"mirror.png\", \"max_new_tokens\": 5, \"arrive_at_step\": 12}");
        Result r = cli(
                "batch",
                "--model",
                Fixtures.model(Fixtures.TINY).toString(),
                "--requests",
                file.toString(),
                "--temperature",
                "0",
                "--prefill-chunk",
                "64",
                "--json");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines).hasSize(4);
        ObjectMapper json = new ObjectMapper();
        JsonNode fixture = json.readTree(lines[0]);
        JsonNode q = json.readTree(lines[1]);
        JsonNode d = json.readTree(lines[2]);
        JsonNode late = json.readTree(lines[3]);
        assertThat(fixture.get("id").asText()).isEqualTo("fixture");
        assertThat(fixture.get("generated_ids"))
                .isEqualTo(Fixtures.expected(Fixtures.TINY).get("generated_ids"));
        assertThat(fixture.get("text").asText())
                .isEqualTo(
                        Fixtures.expected(Fixtures.TINY).get("generated_text").asText());
        assertThat(fixture.get("admitted_at_step").asLong())
                .as("arrives at step 3 with slots free")
                .isEqualTo(3);
        assertThat(fixture.get("finished_at_step").asLong())
                .isEqualTo(3 + 23 + 1); // prefill in 2 steps, 23 more tokens
        assertThat(q.get("admitted_at_step").asLong()).isZero();
        assertThat(q.get("generated_ids")).hasSize(10);
        assertThat(late.get("admitted_at_step").asLong()).isEqualTo(12);
        assertThat(late.get("admitted_at_step").asLong())
                .as("joins while d runs")
                .isLessThan(d.get("finished_at_step").asLong());
        assertThat(d.get("stop_reason").asText()).isEqualTo("max_new_tokens");
    }

    @Test
    void batchSamplesEachRequestWithItsOwnSeedReproducibly() throws Exception {
        Path file = requests(
                "{\"id\": \"a\", \"image\": \"input.png\", \"max_new_tokens\": 16}",
                "{\"id\": \"b\", \"image\": \"input.png\", \"max_new_tokens\": 16}");
        String[] args = {
            "batch",
            "--model",
            Fixtures.model(Fixtures.TINY).toString(),
            "--requests",
            file.toString(),
            "--temperature",
            "1",
            "--top-p",
            "0.95",
            "--json"
        };
        Result first = cli(args);
        Result second = cli(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        String[] lines = first.out().strip().split("\\R");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(lines[0]).get("generated_ids"))
                .isNotEqualTo(json.readTree(lines[1]).get("generated_ids"));
    }

    @Test
    void batchRefusesABadRequestLineWithExitCode2() throws Exception {
        Path file = requests("{\"id\": \"a\", \"image\": \"input.png\"}", "{\"id\": \"b\", \"task\": \"report\"}");
        Result r = cli("batch", "--model", Fixtures.model(Fixtures.TINY).toString(), "--requests", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("line 2").contains("\"image\"");
        Path notJson = requests("{\"id\": \"a\", \"image\": \"input.png\", \"task\": \"summary\"}");
        Result bad =
                cli("batch", "--model", Fixtures.model(Fixtures.TINY).toString(), "--requests", notJson.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("line 1").contains("report or differential");
    }

    @Test
    void bundledModelIsTheTinyFixture() {
        Path dir = BundledModel.extractTo(tmp.resolve("bundled"));
        try (Checkpoint bundled = Checkpoint.open(dir);
                Checkpoint fixture = Checkpoint.open(Fixtures.model(Fixtures.TINY))) {
            assertThat(bundled.weightsDigest()).isEqualTo(fixture.weightsDigest());
            assertThat(bundled.config()).isEqualTo(fixture.config());
        }
    }

    @Test
    void sixteenBitImageIsRefusedWithExitCode2() throws Exception {
        BufferedImage img = new BufferedImage(70, 80, BufferedImage.TYPE_USHORT_GRAY);
        Path file = tmp.resolve("16bit.png");
        ImageIO.write(img, "png", file.toFile());
        Result r = cli("generate", "--model", Fixtures.model(Fixtures.TINY).toString(), "--image", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("8-bit greyscale images only").contains("16 bit");
    }

    @Test
    void badArgumentsExitWith2() {
        assertThat(cli("generate", "--image", "/nonexistent.png").code()).isEqualTo(2);
        Result badTask = cli(
                "generate",
                "--image",
                Fixtures.reference(Fixtures.TINY).resolve("input.png").toString(),
                "--task",
                "summary");
        assertThat(badTask.code()).isEqualTo(2);
        assertThat(badTask.err()).contains("--task must be report or differential");
        Result badModel = cli(
                "generate",
                "--model",
                tmp.toString(),
                "--image",
                Fixtures.reference(Fixtures.TINY).resolve("input.png").toString());
        assertThat(badModel.code()).isEqualTo(2);
        assertThat(badModel.err()).contains("no config.json");
    }
}

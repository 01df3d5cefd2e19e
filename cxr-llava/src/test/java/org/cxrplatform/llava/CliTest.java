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

  @TempDir Path tmp;

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
      Result r = cli("generate", "--model", Fixtures.model(name).toString(),
          "--image", Fixtures.reference(name).resolve("input.png").toString(),
          "--max-new-tokens", String.valueOf(n), "--json");
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode json = new ObjectMapper().readTree(r.out());
      assertThat(json.get("prompt").asText()).isEqualTo(expected.get("prompt").asText());
      assertThat(json.get("input_ids")).isEqualTo(expected.get("input_ids"));
      assertThat(json.get("generated_ids")).isEqualTo(expected.get("generated_ids"));
      assertThat(json.get("text").asText()).isEqualTo(expected.get("generated_text").asText());
      assertThat(json.get("image_tokens").asInt()).isEqualTo(expected.get("num_image_tokens").asInt());
      assertThat(json.get("findings").size()).isEqualTo(7); // every finding, random text: not mentioned
      assertThat(json.get("findings").get("pneumothorax").asText()).isEqualTo("not_mentioned");
      assertThat(json.get("timings").get("decode_ms").asLong()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void plainOutputIsTheTextAndTheBundledModelIsTheDefault() {
    JsonNode expected = Fixtures.expected(Fixtures.TINY);
    Result r = cli("generate", "--image", Fixtures.reference(Fixtures.TINY).resolve("input.png").toString(),
        "--max-new-tokens", "24");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo(expected.get("generated_text").asText().strip());
  }

  @Test
  void streamedOutputEndsAsTheWholeText() {
    String text = Fixtures.expected(Fixtures.TINY).get("generated_text").asText();
    Result r = cli("generate", "--model", Fixtures.model(Fixtures.TINY).toString(),
        "--image", Fixtures.reference(Fixtures.TINY).resolve("input.png").toString(), "--max-new-tokens", "24", "--stream");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(text + System.lineSeparator());
  }

  @Test
  void bundledModelIsTheTinyFixture() {
    Path dir = BundledModel.extractTo(tmp.resolve("bundled"));
    try (Checkpoint bundled = Checkpoint.open(dir); Checkpoint fixture = Checkpoint.open(Fixtures.model(Fixtures.TINY))) {
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
    Result badTask = cli("generate", "--image", Fixtures.reference(Fixtures.TINY).resolve("input.png").toString(),
        "--task", "summary");
    assertThat(badTask.code()).isEqualTo(2);
    assertThat(badTask.err()).contains("--task must be report or differential");
    Result badModel = cli("generate", "--model", tmp.toString(),
        "--image", Fixtures.reference(Fixtures.TINY).resolve("input.png").toString());
    assertThat(badModel.code()).isEqualTo(2);
    assertThat(badModel.err()).contains("no config.json");
  }
}

package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.cxrplatform.llava.checkpoint.ChatTemplate;
import org.cxrplatform.llava.generate.Prompts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Sampling, streaming, tasks and multi-turn chat on the tiny fixture model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationTest {

    private CxrLlava model;
    private BufferedImage image;

    @BeforeAll
    void load() {
        model = CxrLlava.load(Fixtures.model(Fixtures.TINY), RuntimeOptions.cpu());
        image = Fixtures.image(Fixtures.reference(Fixtures.TINY).resolve("input.png"));
    }

    @AfterAll
    void close() {
        model.close();
    }

    private int[] run(GenerationRequest r, GenerationOptions o) {
        return model.generate(List.of(r), o, null).get(0).generatedIds();
    }

    @Test
    void infoDescribesTheCheckpoint() {
        ModelInfo info = model.info();
        assertThat(info.modelId()).isEqualTo("tiny-cxr-llava");
        assertThat(info.modelType()).isEqualTo("CXR-LLAVA");
        assertThat(info.imageSize()).isEqualTo(64);
        assertThat(info.imageTokens()).isEqualTo(16);
        assertThat(info.hiddenSize()).isEqualTo(64);
        assertThat(info.layers()).isEqualTo(2);
        assertThat(info.vocabSize()).isEqualTo(600);
        assertThat(info.weightsDigest()).matches("sha256:[0-9a-f]{64}");
        assertThat(info.parameterCount()).isEqualTo(597760 / 2); // index total_size is BF16 bytes
    }

    @Test
    void samplingIsReproducibleBySeedAndIndependentOfTheBatch() {
        GenerationOptions sample = new GenerationOptions(20, 1.0f, 0.95f, 42L);
        int[] first = run(GenerationRequest.report(image), sample);
        assertThat(run(GenerationRequest.report(image), sample)).containsExactly(first);
        int[] otherSeed = run(GenerationRequest.report(image), new GenerationOptions(20, 1.0f, 0.95f, 43L));
        assertThat(otherSeed).isNotEqualTo(first);
        int[] greedy =
                run(GenerationRequest.report(image), GenerationOptions.greedy().withMaxNewTokens(20));
        assertThat(first).isNotEqualTo(greedy);

        List<Generation> batch = model.generate(
                List.of(
                        GenerationRequest.question(ParityTest.mirrored(image), "Any effusion?"),
                        GenerationRequest.report(image)),
                sample,
                null);
        assertThat(batch.get(1).generatedIds()).containsExactly(first);
    }

    @Test
    void tinyTopPIsGreedy() {
        int[] greedy =
                run(GenerationRequest.report(image), GenerationOptions.greedy().withMaxNewTokens(12));
        assertThat(run(GenerationRequest.report(image), new GenerationOptions(12, 0.7f, 1e-6f, 5L)))
                .containsExactly(greedy);
    }

    @Test
    void everyTokenIsStreamedInOrder() {
        List<String> events = new ArrayList<>();
        List<String> lastText = new ArrayList<>(List.of("", ""));
        List<Generation> out = model.generate(
                List.of(GenerationRequest.report(image), GenerationRequest.differential(image)),
                GenerationOptions.greedy().withMaxNewTokens(7),
                (row, token, text) -> {
                    events.add(row + ":" + token);
                    lastText.set(row, text);
                });
        List<String> expected = new ArrayList<>();
        for (int step = 0; step < 7; step++) {
            for (int row = 0; row < 2; row++) {
                expected.add(row + ":" + out.get(row).generatedIds()[step]);
            }
        }
        assertThat(events).containsExactlyElementsOf(expected);
        assertThat(lastText.get(0)).isEqualTo(out.get(0).text());
        assertThat(lastText.get(1)).isEqualTo(out.get(1).text());
    }

    @Test
    void tasksAndMultiTurnChatRenderThroughTheChatTemplate() {
        String sys = "<s>[INST] <<SYS>>\n" + Prompts.SYSTEM + "\n<</SYS>>\n\n";
        assertThat(model.prompt(GenerationRequest.differential(image)))
                .isEqualTo(sys + "<image>\n" + Prompts.DIFFERENTIAL_QUESTION + " [/INST]");
        GenerationRequest followUp = new GenerationRequest(
                image, Task.QUESTION, "Is it on the left?", List.of(new Turn("Is there an effusion?", "Yes, small.")));
        String prompt = model.prompt(followUp);
        assertThat(prompt)
                .isEqualTo(sys + "<image>\nIs there an effusion? [/INST] Yes, small. </s>"
                        + "<s>[INST] Is it on the left? [/INST]");
        int[] ids = model.prompts().prepare(followUp).inputIds();
        assertThat(ids).containsOnlyOnce(-200);
        assertThat(ids[0]).isEqualTo(1);
        assertThat(ids[1]).isEqualTo(1);
        assertThat(model.generate(List.of(followUp), GenerationOptions.greedy().withMaxNewTokens(3), null)
                        .get(0)
                        .generatedIds())
                .hasSize(3);
    }

    @Test
    void chatTemplateRaisesOnRolesThatDoNotAlternate() {
        ChatTemplate template = ChatTemplate.read(Fixtures.model(Fixtures.TINY));
        assertThatThrownBy(() -> template.render(
                        List.of(new ChatTemplate.Message("user", "a"), new ChatTemplate.Message("user", "b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conversation roles must alternate");
    }

    @Test
    void badRequestsAreRefused() {
        assertThatThrownBy(() -> new GenerationRequest(image, Task.QUESTION, " ", List.of()))
                .hasMessageContaining("needs a question");
        assertThatThrownBy(() -> new GenerationOptions(0, -1f, 1f, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new RuntimeOptions("cpu", "int8"))
                .hasMessageContaining("fp32 or fp16"); // bf16: SetupRefusalTest
        assertThatThrownBy(() -> new RuntimeOptions("tpu", "fp32")).hasMessageContaining("cpu, gpu or gpu:N");
        BufferedImage rgb = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(
                        () -> model.generate(List.of(GenerationRequest.report(rgb)), GenerationOptions.greedy(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8-bit greyscale");
    }

    @Test
    void requestsLeaveNoNativeArraysBehind() {
        model.generate(
                List.of(GenerationRequest.report(image)),
                GenerationOptions.greedy().withMaxNewTokens(2),
                null);
        int before = model.model().liveNativeArrays();
        assertThat(before).as("the weights are counted").isGreaterThan(40);
        for (boolean cache : new boolean[] {true, false}) {
            model.generate(
                    List.of(GenerationRequest.report(image), GenerationRequest.differential(image)),
                    GenerationOptions.greedy().withMaxNewTokens(6).withKvCache(cache),
                    (r, t, s) -> {});
        }
        assertThat(model.model().liveNativeArrays()).isEqualTo(before);
    }

    @Test
    void defaultTokenLimitIsTheReferences() {
        assertThat(org.cxrplatform.llava.generate.PromptEncoder.defaultMaxNewTokens(104))
                .isEqualTo(512);
        assertThat(org.cxrplatform.llava.generate.PromptEncoder.defaultMaxNewTokens(1800))
                .isEqualTo(247);
    }
}

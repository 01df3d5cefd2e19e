package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.llava.checkpoint.SafeTensorsFile;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.generate.PromptEncoder;
import org.cxrplatform.llava.image.CxrPreprocessor;
import org.cxrplatform.llava.model.CxrLlavaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference's golden outputs on both tiny checkpoints, with the fixture README's tolerances. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParityTest {

    private final Map<String, CxrLlava> models = new HashMap<>();

    @BeforeAll
    void load() {
        for (String name : List.of(Fixtures.TINY, Fixtures.TINY_512)) {
            models.put(name, CxrLlava.load(Fixtures.model(name), RuntimeOptions.cpu()));
        }
    }

    @AfterAll
    void close() {
        models.values().forEach(CxrLlava::close);
    }

    private static BufferedImage input(String name) {
        return Fixtures.image(Fixtures.reference(name).resolve("input.png"));
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY, Fixtures.TINY_512})
    void promptTextAndInputIdsAreIdentical(String name) throws Exception {
        CxrLlava model = models.get(name);
        JsonNode expected = Fixtures.expected(name);
        PromptEncoder.Prepared p = model.prompts().prepare(GenerationRequest.report(input(name)));
        assertThat(p.prompt()).isEqualTo(expected.get("prompt").asText());
        assertThat(p.prompt())
                .isEqualTo(Files.readString(Fixtures.reference(name).resolve("prompt.txt")));
        assertThat(p.inputIds()).containsExactly(Fixtures.ints(expected.get("input_ids")));
        assertThat(model.prompts().sequenceLength(p.inputIds()))
                .isEqualTo(expected.get("prefill_length").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY, Fixtures.TINY_512})
    void resizeAndCropIsBitIdenticalToPil(String name) {
        BufferedImage in = input(name);
        BufferedImage ref = Fixtures.image(Fixtures.reference(name).resolve("resized_cropped.png"));
        CxrPreprocessor pre = new CxrPreprocessor(models.get(name).info().imageSize(), 0.5f, 0.5f);
        byte[] ours = pre.resizeAndCrop(CxrPreprocessor.greyPixels(in), in.getWidth(), in.getHeight());
        assertThat(ours).containsExactly(CxrPreprocessor.greyPixels(ref));
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY, Fixtures.TINY_512})
    void tensorsMatchTheReference(String name) {
        CxrLlava model = models.get(name);
        var c = model.config();
        try (SafeTensorsFile ref = SafeTensorsFile.open(Fixtures.reference(name).resolve("tensors.safetensors"))) {
            // pixel_values from the reference's own resized_cropped.png
            BufferedImage cropped = Fixtures.image(Fixtures.reference(name).resolve("resized_cropped.png"));
            CxrPreprocessor pre = new CxrPreprocessor(c.imageSize(), c.pixelMean(), c.pixelStd());
            float[] pixels = pre.normalize(CxrPreprocessor.greyPixels(cropped));
            assertThat(Fixtures.maxAbsDiff(pixels, ref.readFloats("pixel_values")))
                    .isLessThanOrEqualTo(1e-5f);

            float[] features = model.model().encodeImages(List.of(pixels))[0];
            assertThat(Fixtures.maxAbsDiff(features, ref.readFloats("image_features")))
                    .isLessThanOrEqualTo(1e-3f);

            PromptEncoder.Prepared p = model.prompts().prepare(GenerationRequest.report(input(name)));
            CxrLlavaModel.Prefill out = model.model()
                    .prefill(p.inputIds(), pixels, EngineConfig.defaults().prefillChunk());
            assertThat(Fixtures.maxAbsDiff(out.hidden(), ref.readFloats("prefill_last_hidden_state")))
                    .isLessThanOrEqualTo(1e-3f);
            assertThat(Fixtures.maxAbsDiff(out.lastLogits(), ref.readFloats("first_logits")))
                    .isLessThanOrEqualTo(1e-3f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY, Fixtures.TINY_512})
    void greedyIdsAreIdenticalWithAndWithoutKvCache(String name) {
        CxrLlava model = models.get(name);
        int[] expected = Fixtures.ints(Fixtures.expected(name).get("generated_ids"));
        GenerationOptions greedy = GenerationOptions.greedy().withMaxNewTokens(expected.length);
        for (boolean cache : new boolean[] {true, false}) {
            Generation g = model.generate(
                            List.of(GenerationRequest.report(input(name))), greedy.withKvCache(cache), null)
                    .get(0);
            assertThat(g.generatedIds()).as("KV cache " + cache).containsExactly(expected);
            assertThat(g.text())
                    .isEqualTo(Fixtures.expected(name).get("generated_text").asText());
            assertThat(g.imageTokens())
                    .isEqualTo(Fixtures.expected(name).get("num_image_tokens").asInt());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY, Fixtures.TINY_512})
    void batchRowsEqualTheirSoloRuns(String name) {
        CxrLlava model = models.get(name);
        int[] expected = Fixtures.ints(Fixtures.expected(name).get("generated_ids"));
        BufferedImage fixture = input(name);
        BufferedImage other = mirrored(fixture);
        // different prompt lengths too, so the batch is really left-padded
        GenerationRequest a = GenerationRequest.report(fixture);
        GenerationRequest b = GenerationRequest.question(other, "Is there a pneumothorax?");
        GenerationRequest c = GenerationRequest.differential(fixture);
        GenerationOptions greedy = GenerationOptions.greedy().withMaxNewTokens(expected.length);
        List<int[]> solo = new ArrayList<>();
        for (GenerationRequest r : List.of(a, b, c)) {
            solo.add(model.generate(List.of(r), greedy, null).get(0).generatedIds());
        }
        assertThat(solo.get(0)).containsExactly(expected);
        for (boolean cache : new boolean[] {true, false}) {
            List<Generation> batch = model.generate(List.of(a, b, c), greedy.withKvCache(cache), null);
            for (int i = 0; i < 3; i++) {
                assertThat(batch.get(i).generatedIds())
                        .as("row " + i + ", KV cache " + cache)
                        .containsExactly(solo.get(i));
            }
        }
    }

    /**
     * The projections' column-block layout follows the intra-op thread count at load (one block per
     * thread; three does not divide every width, so some projections fall back to fewer): the reference's
     * first logits and greedy ids hold for every layout, with decode attention on the calling thread.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void goldenOutputsHoldForEveryProjectionLayout(int threads) {
        int before = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        try (CxrLlava model = CxrLlava.load(Fixtures.model(Fixtures.TINY), RuntimeOptions.cpu())) {
            JsonNode expected = Fixtures.expected(Fixtures.TINY);
            PromptEncoder.Prepared p = model.prompts().prepare(GenerationRequest.report(input(Fixtures.TINY)));
            BufferedImage cropped =
                    Fixtures.image(Fixtures.reference(Fixtures.TINY).resolve("resized_cropped.png"));
            var c = model.config();
            float[] pixels = new CxrPreprocessor(c.imageSize(), c.pixelMean(), c.pixelStd())
                    .normalize(CxrPreprocessor.greyPixels(cropped));
            try (SafeTensorsFile ref =
                    SafeTensorsFile.open(Fixtures.reference(Fixtures.TINY).resolve("tensors.safetensors"))) {
                float[] logits = model.model()
                        .prefill(p.inputIds(), pixels, EngineConfig.defaults().prefillChunk())
                        .lastLogits();
                assertThat(Fixtures.maxAbsDiff(logits, ref.readFloats("first_logits")))
                        .isLessThanOrEqualTo(1e-3f);
            }
            int[] ids = Fixtures.ints(expected.get("generated_ids"));
            Generation g = model.generate(
                            List.of(GenerationRequest.report(input(Fixtures.TINY))),
                            GenerationOptions.greedy().withMaxNewTokens(ids.length),
                            null)
                    .get(0);
            assertThat(g.generatedIds()).containsExactly(ids);
            assertThat(JniUtils.getNumThreads())
                    .as("decode attention ran on one thread and gave the others back")
                    .isEqualTo(threads);
        } finally {
            JniUtils.setNumThreads(before);
        }
    }

    static BufferedImage mirrored(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                out.getRaster()
                        .setSample(src.getWidth() - 1 - x, y, 0, src.getRaster().getSample(x, y, 0));
            }
        }
        return out;
    }
}

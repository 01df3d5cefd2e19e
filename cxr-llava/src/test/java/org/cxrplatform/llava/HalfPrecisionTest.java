package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import java.awt.image.BufferedImage;
import java.util.List;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.SafeTensorsFile;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.engine.MemoryBudget;
import org.cxrplatform.llava.generate.PromptEncoder;
import org.cxrplatform.llava.image.CxrPreprocessor;
import org.cxrplatform.llava.model.CxrLlavaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * dtype fp16 on the CPU (the CPU build's PyTorch 2.7 natives): the decoder's projections in fp16,
 * applied to float32 activations rounded to fp16, everything else in float32, against the reference's
 * float32 outputs. Tolerances: tensors within 2e-2 absolute (fp16 keeps 11 significant bits: a unit in the last place
 * of a logit near 16 is 0.0156); greedy ids identical while the reference's margin between the top two
 * tokens exceeds 0.1, i.e. until the first step where an fp16 rounding could swap them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HalfPrecisionTest {

    static final float TENSOR_TOLERANCE = 2e-2f;
    static final double MARGIN = 0.1;

    private CxrLlava tiny;
    private CxrLlava tiny512;

    @BeforeAll
    void load() {
        RuntimeOptions fp16 = new RuntimeOptions("cpu", "fp16");
        tiny = CxrLlava.load(Fixtures.model(Fixtures.TINY), fp16);
        tiny512 = CxrLlava.load(Fixtures.model(Fixtures.TINY_512), fp16);
    }

    @AfterAll
    void close() {
        tiny.close();
        tiny512.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY, Fixtures.TINY_512})
    void theProjectionsAreFp16AndTheRestFloat32(String name) {
        assertThat(model(name).model().weightDtype()).isEqualTo(DataType.FLOAT16);
        assertThat(model(name).model().dtype()).isEqualTo(DataType.FLOAT32);
    }

    private CxrLlava model(String name) {
        return name.equals(Fixtures.TINY) ? tiny : tiny512;
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY, Fixtures.TINY_512})
    void fp16TensorsStayWithinTheStatedToleranceOfTheReference(String name) {
        CxrLlava model = model(name);
        var c = model.config();
        try (SafeTensorsFile ref = SafeTensorsFile.open(Fixtures.reference(name).resolve("tensors.safetensors"))) {
            BufferedImage cropped = Fixtures.image(Fixtures.reference(name).resolve("resized_cropped.png"));
            float[] pixels = new CxrPreprocessor(c.imageSize(), c.pixelMean(), c.pixelStd())
                    .normalize(CxrPreprocessor.greyPixels(cropped));
            float[] features = model.model().encodeImages(List.of(pixels))[0];
            assertThat(Fixtures.maxAbsDiff(features, ref.readFloats("image_features")))
                    .isLessThanOrEqualTo(TENSOR_TOLERANCE);

            PromptEncoder.Prepared p = model.prompts().prepare(GenerationRequest.report(input(name)));
            CxrLlavaModel.Prefill out = model.model()
                    .prefill(p.inputIds(), pixels, EngineConfig.defaults().prefillChunk());
            float hidden = Fixtures.maxAbsDiff(out.hidden(), ref.readFloats("prefill_last_hidden_state"));
            float logits = Fixtures.maxAbsDiff(out.lastLogits(), ref.readFloats("first_logits"));
            System.out.printf(
                    "fp16 on %s: max abs error features %.2e, hidden %.2e, first logits %.2e%n",
                    name, Fixtures.maxAbsDiff(features, ref.readFloats("image_features")), hidden, logits);
            assertThat(hidden).isLessThanOrEqualTo(TENSOR_TOLERANCE);
            assertThat(logits).isLessThanOrEqualTo(TENSOR_TOLERANCE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY, Fixtures.TINY_512})
    void fp16GreedyIdsEqualTheReferenceWhileItsMarginsAreWide(String name) {
        var steps = Fixtures.expected(name).get("steps");
        int[] expected = Fixtures.ints(Fixtures.expected(name).get("generated_ids"));
        int wide = 0;
        while (wide < expected.length && steps.get(wide).get("margin").asDouble() > MARGIN) {
            wide++;
        }
        assertThat(wide).as("steps before the first narrow margin").isGreaterThan(0);
        GenerationOptions greedy = GenerationOptions.greedy().withMaxNewTokens(expected.length);
        for (boolean cache : new boolean[] {true, false}) {
            int[] ids = model(name)
                    .generate(List.of(GenerationRequest.report(input(name))), greedy.withKvCache(cache), null)
                    .get(0)
                    .generatedIds();
            System.out.printf(
                    "fp16 on %s, KV cache %s: %d of %d ids equal before the first margin ≤ %.1f at step %d%n",
                    name, cache, commonPrefix(ids, expected), expected.length, MARGIN, wide);
            assertThat(commonPrefix(ids, expected)).as("KV cache " + cache).isGreaterThanOrEqualTo(wide);
        }
    }

    @Test
    void theMemoryBudgetCountsTheFloat32CopyOfTheLargestWeightAPrefillStepWidens() {
        CxrLlavaConfig c = tiny.config();
        long d = c.hiddenSize();
        long f = c.intermediateSize();
        long qkv = (c.heads() + 2L * c.kvHeads()) * c.headDim() * d;
        long layerWeight = 4 * Math.max(Math.max(qkv, d * d), Math.max(2 * f * d, d * f)); // float32 bytes
        long lmHead = 4 * c.vocabSize() * d;
        CxrLlavaModel m = tiny.model();
        assertThat(m.widenedWeightBytes(64, 64))
                .as("decode rows read the fp16 weights")
                .isZero();
        assertThat(m.widenedWeightBytes(65, 64))
                .as("one layer weight at a time")
                .isEqualTo(layerWeight);
        assertThat(m.widenedWeightBytes(65, 65))
                .as("lm_head too above 64 rows")
                .isEqualTo(Math.max(layerWeight, lmHead));

        MemoryBudget budget = tiny.engine().budget();
        int slots = budget.slots();
        int chunk = tiny.engine().config().prefillChunk();
        assertThat(budget.widenedWeightBytes())
                .isEqualTo(m.widenedWeightBytes(slots + chunk, slots))
                .isPositive();
        MemoryBudget fp32Weights = MemoryBudget.plan(c, 4, 0, slots, budget.capacity(), chunk, 1L << 40, "test");
        assertThat(budget.activationBytes()).isEqualTo(fp32Weights.activationBytes() + budget.widenedWeightBytes());
        long justEnoughWithout = fp32Weights.activationBytes() + slots * fp32Weights.kvBytesPerSlot();
        assertThat(MemoryBudget.plan(c, 4, 0, slots, budget.capacity(), chunk, justEnoughWithout, "test")
                        .slots())
                .isEqualTo(slots);
        assertThatThrownBy(() -> MemoryBudget.plan(
                        c, 4, budget.widenedWeightBytes(), slots, budget.capacity(), chunk, justEnoughWithout, "test"))
                .as("the widened copy is part of what must fit")
                .isInstanceOf(SetupException.class);
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[n] == b[n]) {
            n++;
        }
        return n;
    }

    private static BufferedImage input(String name) {
        return Fixtures.image(Fixtures.reference(name).resolve("input.png"));
    }
}

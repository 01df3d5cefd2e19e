package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.cxrplatform.llava.checkpoint.SafeTensorsFile;
import org.cxrplatform.llava.checkpoint.SafeTensorsWriter;
import org.cxrplatform.llava.checkpoint.SafeTensorsWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints derived from the tiny fixture: grouped-query attention and stopping at EOS. */
class ModelVariantsTest {

    @TempDir
    Path tmp;

    private final BufferedImage image =
            Fixtures.image(Fixtures.reference(Fixtures.TINY).resolve("input.png"));

    /** Copies the tiny model into {@code name} with every tensor passed through {@code edit} (null drops it). */
    private Path variant(String name, int kvHeads, BiFunction<String, Tensor, Tensor> edit) throws IOException {
        return variant(name, kvHeads, 4096, edit);
    }

    private Path variant(String name, int kvHeads, int maxPositions, BiFunction<String, Tensor, Tensor> edit)
            throws IOException {
        Path src = Fixtures.model(Fixtures.TINY);
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        for (String f : List.of(
                "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config =
                (ObjectNode) json.readTree(src.resolve("config.json").toFile());
        ((ObjectNode) config.get("llama"))
                .put("num_key_value_heads", kvHeads)
                .put("max_position_embeddings", maxPositions);
        json.writeValue(dir.resolve("config.json").toFile(), config);
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (String shard : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            try (SafeTensorsFile f = SafeTensorsFile.open(src.resolve(shard))) {
                for (var e : f.tensors().entrySet()) {
                    Tensor t = edit.apply(
                            e.getKey(), new Tensor("F32", e.getValue().shape(), f.readFloats(e.getKey())));
                    if (t != null) {
                        all.put(e.getKey(), t);
                    }
                }
            }
        }
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), all);
        return dir;
    }

    /** Rows of the given 16-row heads of a [heads*16, 64] projection. */
    private static Tensor heads(Tensor t, int... heads) {
        int dh = 16;
        int cols = (int) t.shape()[1];
        float[] out = new float[heads.length * dh * cols];
        for (int i = 0; i < heads.length; i++) {
            System.arraycopy(t.values(), heads[i] * dh * cols, out, i * dh * cols, dh * cols);
        }
        return new Tensor("F32", new long[] {(long) heads.length * dh, cols}, out);
    }

    private static boolean isKv(String name) {
        return name.endsWith("self_attn.k_proj.weight") || name.endsWith("self_attn.v_proj.weight");
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadWithSharedKeysAndValues() throws IOException {
        // 4 query heads over 2 kv heads (kv heads 0 and 2 of the fixture) ...
        Path gqa = variant("gqa", 2, (n, t) -> isKv(n) ? heads(t, 0, 2) : t);
        // ... must compute what 4 heads compute when heads 0,1 share kv 0 and heads 2,3 share kv 2
        Path mha = variant("mha", 4, (n, t) -> isKv(n) ? heads(t, 0, 0, 2, 2) : t);
        GenerationOptions greedy = GenerationOptions.greedy().withMaxNewTokens(16);
        int[] gqaIds;
        int[] mhaIds;
        try (CxrLlava m = CxrLlava.load(gqa, RuntimeOptions.cpu())) {
            gqaIds = m.generate(List.of(GenerationRequest.report(image)), greedy, null)
                    .get(0)
                    .generatedIds();
            int[] noCache = m.generate(List.of(GenerationRequest.report(image)), greedy.withKvCache(false), null)
                    .get(0)
                    .generatedIds();
            assertThat(noCache).containsExactly(gqaIds);
        }
        try (CxrLlava m = CxrLlava.load(mha, RuntimeOptions.cpu())) {
            mhaIds = m.generate(List.of(GenerationRequest.report(image)), greedy, null)
                    .get(0)
                    .generatedIds();
        }
        assertThat(gqaIds).containsExactly(mhaIds);
        int[] fixture = Fixtures.ints(Fixtures.expected(Fixtures.TINY).get("generated_ids"));
        assertThat(gqaIds).isNotEqualTo(java.util.Arrays.copyOf(fixture, 16)); // the variant really changed the model
    }

    @Test
    void generationStaysWithinTheModelsPositions() throws IOException {
        Path dir = variant("short", 4, 110, (n, t) -> t); // the report prompt takes 104 positions
        try (CxrLlava m = CxrLlava.load(dir, RuntimeOptions.cpu())) {
            Generation g = m.generate(
                            List.of(GenerationRequest.report(image)),
                            GenerationOptions.greedy().withMaxNewTokens(50),
                            null)
                    .get(0);
            assertThat(g.generatedIds()).hasSize(6);
            GenerationRequest longer = new GenerationRequest(image, Task.QUESTION, "x ".repeat(80), List.of());
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> m.generate(List.of(longer), GenerationOptions.greedy(), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the model has 110");
        }
    }

    @Test
    void generationStopsAtEos() throws IOException {
        // lm_head keeps only the EOS row: every other logit is 0, EOS gets h·w, so with w or −w EOS wins at once
        int stopped = 0;
        for (float sign : new float[] {1f, -1f}) {
            Path dir = variant("eos" + (sign > 0 ? "+" : "-"), 4, (n, t) -> {
                if (!n.equals("lm_head.weight")) {
                    return t;
                }
                float[] v = new float[t.values().length];
                for (int i = 0; i < 64; i++) {
                    v[2 * 64 + i] = sign * t.values()[2 * 64 + i];
                }
                return new Tensor("F32", t.shape(), v);
            });
            try (CxrLlava m = CxrLlava.load(dir, RuntimeOptions.cpu())) {
                Generation g = m.generate(
                                List.of(GenerationRequest.report(image)),
                                GenerationOptions.greedy().withMaxNewTokens(5),
                                null)
                        .get(0);
                if (g.generatedIds()[0] == 2) {
                    stopped++;
                    assertThat(g.generatedIds()).containsExactly(2);
                    assertThat(g.text()).isEmpty();
                } else {
                    assertThat(g.generatedIds())
                            .as("all logits 0 but EOS's: argmax is token 0")
                            .startsWith(0);
                }
            }
        }
        assertThat(stopped).isEqualTo(1);
    }
}

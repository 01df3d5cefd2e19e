package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.SafeTensorsFile;
import org.cxrplatform.llava.checkpoint.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path tmp;

    /** A writable copy of the tiny fixture model, without its reference folder. */
    private Path copyOfTiny() throws IOException {
        Path src = Fixtures.model(Fixtures.TINY);
        Path dst = tmp.resolve("model");
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
                dst.resolve(f.getFileName()).toFile().setWritable(true);
            }
        }
        return dst;
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        edit.accept(root);
        json.writeValue(dir.resolve("config.json").toFile(), root);
    }

    @Test
    void configHasTheReferenceDefaultsWhenFieldsAreAbsent() throws IOException {
        Path dir = copyOfTiny();
        editConfig(dir, root -> {
            ((ObjectNode) root.get("clip_vision_cfg")).remove("head_width");
            ((ObjectNode) root.get("llama")).remove("rope_theta");
            ((ObjectNode) root.get("llama")).remove("num_key_value_heads");
        });
        CxrLlavaConfig c = CxrLlavaConfig.read(dir);
        assertThat(c.visionHeadWidth()).isEqualTo(64);
        assertThat(c.visionHeads()).isEqualTo(1);
        assertThat(c.mlpRatio()).isEqualTo(4.0);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.kvHeads()).isEqualTo(c.heads());
        assertThat(c.imageTokens()).isEqualTo(16);
        assertThat(c.visionMlpWidth()).isEqualTo(256);
    }

    @Test
    void unknownModelTypeFailsClearly() throws IOException {
        Path dir = copyOfTiny();
        editConfig(dir, root -> root.put("model_type", "llava_llama"));
        assertThatThrownBy(() -> CxrLlava.load(dir, RuntimeOptions.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("unknown model_type 'llava_llama'")
                .hasMessageContaining("CXR-LLAVA");
    }

    @Test
    void misShapedTensorFailsWithNameAndBothShapes() throws IOException {
        Path dir = copyOfTiny();
        editConfig(dir, root -> ((ObjectNode) root.get("llama")).put("intermediate_size", 170));
        assertThatThrownBy(() -> CxrLlava.load(dir, RuntimeOptions.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor llama.layers.0.mlp.gate_proj.weight: expected shape [170, 64]")
                .hasMessageContaining("has [172, 64]");
    }

    @Test
    void missingTensorFailsWithItsName() throws IOException {
        Path dir = copyOfTiny();
        rewriteAsSingleFile(dir, "F32", "lm_head.weight");
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing tensor lm_head.weight (expected shape [600, 64])");
    }

    @Test
    void noWeightsAtAllFailsClearly() throws IOException {
        Path dir = copyOfTiny();
        Files.delete(dir.resolve("model.safetensors.index.json"));
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no model.safetensors or model.safetensors.index.json");
    }

    @Test
    void singleFileF32CheckpointGivesTheSameGreedyTokensAsTheShardedBf16One() throws IOException {
        Path dir = copyOfTiny();
        String shardedDigest;
        try (Checkpoint sharded = Checkpoint.open(dir)) {
            shardedDigest = sharded.weightsDigest();
            assertThat(shardedDigest).matches("sha256:[0-9a-f]{64}");
        }
        rewriteAsSingleFile(dir, "F32", null);
        int[] expected = Fixtures.ints(Fixtures.expected(Fixtures.TINY).get("generated_ids"));
        try (CxrLlava model = CxrLlava.load(dir, RuntimeOptions.cpu())) {
            assertThat(model.info().weightsDigest()).isNotEqualTo(shardedDigest);
            Generation g = model.generate(
                            java.util.List.of(GenerationRequest.report(Fixtures.image(
                                    Fixtures.reference(Fixtures.TINY).resolve("input.png")))),
                            GenerationOptions.greedy().withMaxNewTokens(expected.length),
                            null)
                    .get(0);
            assertThat(g.generatedIds()).containsExactly(expected);
        }
    }

    @Test
    void readsF16AndBf16AndF32Values() {
        float[] values = {0f, 1f, -2.5f, 0.333984375f, 65504f, 6.1035156e-05f, 5.9604645e-08f};
        Map<String, SafeTensorsWriter.Tensor> t = new LinkedHashMap<>();
        for (String dtype : new String[] {"F32", "F16", "BF16"}) {
            t.put(dtype, new SafeTensorsWriter.Tensor(dtype, new long[] {values.length}, values));
        }
        Path file = tmp.resolve("t.safetensors");
        SafeTensorsWriter.write(file, t);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertThat(f.readFloats("F32")).containsExactly(values);
            assertThat(f.readFloats("F16")).containsExactly(values);
            float[] bf = f.readFloats("BF16");
            for (int i = 0; i < values.length; i++) {
                assertThat(bf[i]).isCloseTo(values[i], org.assertj.core.data.Percentage.withPercentage(0.4));
            }
            assertThat(f.readRow("F32", 0)).containsExactly(values);
        }
    }

    @Test
    void unsupportedDtypeFailsWithTensorName() throws IOException {
        Path file = tmp.resolve("bad.safetensors");
        byte[] header = "{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}".getBytes();
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(8 + header.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).putLong(7);
        Files.write(file, b.array());
        assertThatThrownBy(() -> SafeTensorsFile.open(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor x")
                .hasMessageContaining("dtype I64");
    }

    /** Replaces the shards by one model.safetensors in {@code dtype}, optionally leaving one tensor out. */
    static void rewriteAsSingleFile(Path dir, String dtype, String omit) throws IOException {
        Map<String, SafeTensorsWriter.Tensor> all = new LinkedHashMap<>();
        for (String shard : new String[] {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}) {
            try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve(shard))) {
                for (var e : f.tensors().entrySet()) {
                    if (!e.getKey().equals(omit)) {
                        all.put(
                                e.getKey(),
                                new SafeTensorsWriter.Tensor(dtype, e.getValue().shape(), f.readFloats(e.getKey())));
                    }
                }
            }
            Files.delete(dir.resolve(shard));
        }
        Files.delete(dir.resolve("model.safetensors.index.json"));
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), all);
    }
}

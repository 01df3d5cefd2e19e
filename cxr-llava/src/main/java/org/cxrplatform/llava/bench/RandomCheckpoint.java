package org.cxrplatform.llava.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.cxrplatform.llava.BundledModel;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.SafeTensorsWriter;

/**
 * Writes a random-weight CXR-LLaVA folder in the published layout (BF16 safetensors, same tensor
 * names, the bundled model's tokenizer) with the sizes asked for — a stand-in to time the engine.
 */
public final class RandomCheckpoint {

    /** Sizes of the model to build. */
    public record Spec(
            int imageSize,
            int patch,
            int visionWidth,
            int visionLayers,
            int hidden,
            int intermediate,
            int layers,
            int heads,
            int kvHeads,
            int vocab) {
        /** The medium model: ViT 256 × 4 at 512 px, decoder 1024 × 8, vocab 32000. */
        public static Spec medium() {
            return new Spec(512, 16, 256, 4, 1024, 2816, 8, 16, 16, 32000);
        }
    }

    private RandomCheckpoint() {}

    public static Path write(Path dir, Spec s, long seed) {
        try {
            Path tokenizerSource = BundledModel.extractTo(dir.resolve(".bundled"));
            Files.createDirectories(dir);
            for (String f : new String[] {
                "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"
            }) {
                Files.copy(
                        tokenizerSource.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode config = (ObjectNode)
                    json.readTree(tokenizerSource.resolve("config.json").toFile());
            config.put("_name_or_path", "random-cxr-llava-" + s.hidden() + "x" + s.layers());
            ObjectNode vision = (ObjectNode) config.get("clip_vision_cfg");
            vision.put("image_size", s.imageSize())
                    .put("patch_size", s.patch())
                    .put("width", s.visionWidth())
                    .put("layers", s.visionLayers())
                    .put("head_width", 64);
            config.put("mm_projector_dim", s.visionWidth());
            ObjectNode llama = (ObjectNode) config.get("llama");
            llama.put("hidden_size", s.hidden())
                    .put("intermediate_size", s.intermediate())
                    .put("num_hidden_layers", s.layers())
                    .put("num_attention_heads", s.heads())
                    .put("num_key_value_heads", s.kvHeads())
                    .put("vocab_size", s.vocab());
            json.writerWithDefaultPrettyPrinter()
                    .writeValue(dir.resolve("config.json").toFile(), config);
            for (Path p : Files.list(tokenizerSource).toList()) {
                Files.delete(p);
            }
            Files.delete(tokenizerSource);

            CxrLlavaConfig c = CxrLlavaConfig.read(dir);
            SplittableRandom random = new SplittableRandom(seed);
            Map<String, SafeTensorsWriter.Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : Checkpoint.expectedShapes(c).entrySet()) {
                long[] shape = e.getValue();
                long n = 1;
                for (long d : shape) {
                    n *= d;
                }
                float[] v = new float[(int) n];
                boolean norm = e.getKey().contains("norm") || e.getKey().contains("ln_");
                if (norm && e.getKey().endsWith("weight")) {
                    java.util.Arrays.fill(v, 1f);
                } else if (!e.getKey().endsWith("bias")) {
                    double fanIn = shape.length > 1 ? shape[shape.length - 1] : 1;
                    double a = Math.sqrt(3.0 / fanIn); // uniform with variance 1/fanIn
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) ((random.nextDouble() * 2 - 1) * a);
                    }
                }
                tensors.put(e.getKey(), new SafeTensorsWriter.Tensor("BF16", shape, v));
            }
            SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a random checkpoint to " + dir, e);
        }
    }
}

package org.cxrplatform.llava.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.checkpoint.SafeTensorsWriter;
import org.cxrplatform.llava.engine.EngineConfig;

/**
 * Our half of the Jlama comparison ({@code cxr-llava/bench/jlama/compare.sh} runs both halves, Jlama's
 * on Java 25, interleaved): {@code export DIR} writes the medium random model and its decoder as plain
 * Hugging Face LLaMA folders that Jlama loads (the same weights, stored as F32 and as BF16);
 * {@code decode MODEL_DIR} times the engine's decode step after a report prompt (weights in fp32, or
 * fp16 with {@code --dtype fp16}) and prints one
 * {@code RESULT} line with the context it decoded at, for Jlama to decode at the same context.
 *
 * <pre>java -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.JlamaComparison export DIR
 * java -cp cxr-llava/target/cxr-llava.jar -Dai.djl.pytorch.num_threads=N \
 *     org.cxrplatform.llava.bench.JlamaComparison decode DIR/medium [--steps 32] [--dtype fp32|fp16]</pre>
 */
public final class JlamaComparison {

    private JlamaComparison() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("export")) {
            export(Path.of(args[1]));
        } else if (args.length >= 2 && args[0].equals("decode")) {
            int steps = 32;
            String dtype = "fp32";
            for (int i = 2; i < args.length; i++) {
                switch (args[i]) {
                    case "--steps" -> steps = Integer.parseInt(args[++i]);
                    case "--dtype" -> dtype = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            decode(Path.of(args[1]), dtype, steps);
        } else {
            throw new IllegalArgumentException(
                    "usage: JlamaComparison export DIR | decode MODEL_DIR [--steps N] [--dtype fp32|fp16]");
        }
    }

    /** DIR/medium (our layout), DIR/llama-f32 and DIR/llama-bf16 (its decoder, LLaMA layout for Jlama). */
    static void export(Path dir) throws IOException {
        Path medium = RandomCheckpoint.write(dir.resolve("medium"), RandomCheckpoint.Spec.medium(), 1);
        JsonNode llama = new ObjectMapper()
                .readTree(medium.resolve("config.json").toFile())
                .get("llama");
        try (Checkpoint checkpoint = Checkpoint.open(medium)) {
            for (String dtype : new String[] {"F32", "BF16"}) {
                Path out = Files.createDirectories(dir.resolve("llama-" + dtype.toLowerCase(Locale.ROOT)));
                new ObjectMapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValue(out.resolve("config.json").toFile(), llama);
                for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                    Files.copy(medium.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
                Map<String, SafeTensorsWriter.Tensor> tensors = new LinkedHashMap<>();
                for (String name :
                        Checkpoint.expectedShapes(checkpoint.config()).keySet()) {
                    if (name.startsWith("llama.") || name.equals("lm_head.weight")) {
                        String hf = name.startsWith("llama.") ? "model." + name.substring("llama.".length()) : name;
                        tensors.put(
                                hf,
                                new SafeTensorsWriter.Tensor(dtype, checkpoint.shape(name), checkpoint.floats(name)));
                    }
                }
                SafeTensorsWriter.write(out.resolve("model.safetensors"), tensors);
                System.out.println("wrote " + out);
            }
        }
    }

    /**
     * The engine's batch-1 decode step after a report prompt, weights in {@code dtype} (fp32, or fp16:
     * fp16 projections, float32 compute): {@code steps} untimed, then {@code steps} each timed, the
     * median printed.
     */
    static void decode(Path model, String dtype, int steps) {
        try (CxrLlava llava = CxrLlava.load(
                        model,
                        new RuntimeOptions("cpu", dtype),
                        EngineConfig.defaults().withMaxSlots(1));
                Figures.Decoder decoder = new Figures.Decoder(llava, 1, 2 * steps + 8)) {
            // the first steps of a fresh process run 30-50 % slower (allocator and JIT warm-up): both sides
            // time their second run of steps
            decoder.warmUp(steps);
            double ms = decoder.medianStepMs(steps);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT ours %s threads=%s context=%d median_ms=%.2f load=%s%n",
                    dtype,
                    System.getProperty("ai.djl.pytorch.num_threads", "default"),
                    decoder.context(),
                    ms,
                    Figures.load1());
        }
    }
}

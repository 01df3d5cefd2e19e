package org.cxrplatform.llava.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.cxrplatform.findings.FindingsExtractor;
import org.cxrplatform.llava.BundledModel;
import org.cxrplatform.llava.CheckpointException;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.RepetitionGuard;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.SetupException;
import org.cxrplatform.llava.TokenListener;
import org.cxrplatform.llava.engine.EngineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar cxr-llava.jar generate --model DIR --image FILE [--task report|differential |
 * --question TEXT] [--max-new-tokens N] [--temperature T] [--top-p P] [--seed S] [--json]} and
 * {@code batch --model DIR --requests FILE.jsonl [--json]} ({@link BatchCommand}).
 * Exit codes: 0 ok, 2 bad arguments or inputs (unreadable image, not 8-bit greyscale, bad model folder).
 */
@Command(
        name = "cxr-llava",
        mixinStandardHelpOptions = true,
        subcommands = {CxrLlavaCli.Generate.class, BatchCommand.class},
        description = "CXR-LLaVA v2 chest X-ray reports on DJL (PyTorch engine).")
public final class CxrLlavaCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (generate or batch)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new CxrLlavaCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException
                    || e instanceof CheckpointException
                    || e instanceof IOException
                    || e instanceof SetupException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }

    @Command(
            name = "generate",
            mixinStandardHelpOptions = true,
            description = "Generate a report (or an answer) for one 8-bit greyscale image.")
    static final class Generate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ModelOptions model;

        @Option(names = "--image", paramLabel = "FILE", required = true, description = "8-bit greyscale PNG/JPEG")
        Path image;

        @Option(
                names = "--task",
                paramLabel = "report|differential",
                defaultValue = "report",
                description = "report (default) or differential")
        String task;

        @Option(names = "--question", paramLabel = "TEXT", description = "a free question instead of a task")
        String question;

        @Option(
                names = "--max-new-tokens",
                paramLabel = "N",
                defaultValue = "0",
                description = "token limit; 0 = reference default min(512, 2048 - prompt length - 1)")
        int maxNewTokens;

        @CommandLine.Mixin
        Sampling sampling;

        @Option(names = "--json", description = "print one JSON object instead of the text")
        boolean json;

        @Option(names = "--stream", description = "print the text as it is generated (ignored with --json)")
        boolean stream;

        @Override
        public Integer call() throws IOException {
            GenerationRequest request = request(readImage(image));
            GenerationOptions options = sampling.options(maxNewTokens, !model.noKvCache);
            PrintWriter out = spec.commandLine().getOut();
            long t0 = System.nanoTime();
            try (CxrLlava llava = model.load(EngineConfig.defaults().withMaxSlots(1))) {
                long loadMs = (System.nanoTime() - t0) / 1_000_000L;
                StringBuilder printed = new StringBuilder();
                TokenListener listener = stream && !json
                        ? (row, token, text) -> {
                            // byte-fallback tokens can rewrite the tail (a partial UTF-8 sequence becomes a character):
                            // print only once the text extends what is already out
                            if (text.startsWith(printed.toString()) && text.length() > printed.length()) {
                                out.print(text.substring(printed.length()));
                                out.flush();
                                printed.setLength(0);
                                printed.append(text);
                            }
                        }
                        : null;
                Generation g =
                        llava.generate(List.of(request), options, listener).get(0);
                if (json) {
                    out.println(toJson(llava, g, loadMs));
                } else if (stream) {
                    out.println(
                            g.text().startsWith(printed.toString())
                                    ? g.text().substring(printed.length())
                                    : System.lineSeparator() + g.text());
                } else {
                    out.println(g.text());
                }
            }
            return 0;
        }

        private GenerationRequest request(BufferedImage img) {
            if (question != null) {
                return GenerationRequest.question(img, question);
            }
            return switch (task) {
                case "report" -> GenerationRequest.report(img);
                case "differential" -> GenerationRequest.differential(img);
                default ->
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--task must be report or differential, got '" + task + "'");
            };
        }

        private String toJson(CxrLlava llava, Generation g, long loadMs) throws IOException {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            root.put("model_id", llava.info().modelId());
            root.put("weights_digest", llava.info().weightsDigest());
            root.put("prompt_version", CxrLlava.PROMPT_VERSION);
            root.put("prompt", g.prompt());
            ArrayNode in = root.putArray("input_ids");
            for (int id : g.inputIds()) {
                in.add(id);
            }
            ArrayNode gen = root.putArray("generated_ids");
            for (int id : g.generatedIds()) {
                gen.add(id);
            }
            root.put("text", g.text());
            ObjectNode f = root.putObject("findings");
            Findings.extract(g.text()).forEach(f::put);
            root.put("image_tokens", g.imageTokens());
            ObjectNode t = root.putObject("timings");
            t.put("load_ms", loadMs);
            t.put("vision_ms", g.visionMs());
            t.put("prefill_ms", g.prefillMs());
            t.put("decode_ms", g.decodeMs());
            int steps = Math.max(0, g.generatedIds().length - 1);
            t.put("decode_tokens_per_s", g.decodeMs() > 0 ? steps * 1000.0 / g.decodeMs() : null);
            return mapper.writeValueAsString(root);
        }
    }

    /** An image file as a BufferedImage; a clear error for a missing or unreadable file. */
    static BufferedImage readImage(Path image) throws IOException {
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException("image not found: " + image);
        }
        BufferedImage img = ImageIO.read(image.toFile());
        if (img == null) {
            throw new IllegalArgumentException("not a readable image: " + image);
        }
        return img;
    }

    /** The model folder and where it runs, shared by both commands. */
    static final class ModelOptions {
        @Option(
                names = "--model",
                paramLabel = "DIR",
                description = "Hugging Face model folder (default: the bundled tiny random-weight demo model)")
        Path dir;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N")
        String device;

        @Option(
                names = "--dtype",
                defaultValue = "fp32",
                description = "fp32, or fp16 (GPU; CPU build: fp16 weights, fp32 compute)")
        String dtype;

        @Option(names = "--no-kv-cache", description = "recompute the whole sequence every step (parity checks)")
        boolean noKvCache;

        @Option(
                names = "--capacity",
                paramLabel = "N",
                defaultValue = "0",
                description = "positions per sequence (prompt + new tokens); 0 = min(2048, the model's maximum)")
        int capacity;

        @Option(
                names = "--memory-mib",
                paramLabel = "N",
                defaultValue = "0",
                description =
                        "memory for the KV cache and activations; 0 = 90 % of the GPU's free memory, 4 GiB on the CPU")
        long memoryMib;

        CxrLlava load(EngineConfig engine) {
            return CxrLlava.load(
                    dir != null ? dir : BundledModel.extractToTempDir(),
                    new RuntimeOptions(device, dtype),
                    engine.withCapacity(capacity).withMemoryBytes(memoryMib << 20));
        }
    }

    /** Decoding options shared by both commands; the defaults are the reference's report settings. */
    static final class Sampling {
        @Option(
                names = "--temperature",
                paramLabel = "T",
                defaultValue = "0.2",
                description =
                        "sampling temperature, default ${DEFAULT-VALUE} (the reference's report setting); 0 = greedy")
        float temperature;

        @Option(
                names = "--top-p",
                paramLabel = "P",
                defaultValue = "0.8",
                description = "nucleus size when sampling, default ${DEFAULT-VALUE}")
        float topP;

        @Option(
                names = "--seed",
                paramLabel = "S",
                defaultValue = "0",
                description = "sampling seed, default ${DEFAULT-VALUE}")
        long seed;

        @Option(
                names = "--no-repetition-guard",
                description =
                        "do not stop a sequence whose 8-token runs repeat a third time (the reference has no guard)")
        boolean noRepetitionGuard;

        GenerationOptions options(int maxNewTokens, boolean kvCache) {
            return new GenerationOptions(
                    maxNewTokens,
                    temperature,
                    topP,
                    seed,
                    kvCache,
                    noRepetitionGuard ? RepetitionGuard.OFF : RepetitionGuard.REPORT);
        }
    }

    /** Findings of the generated text, labelled by the same extractor as radiologists' reports. */
    static final class Findings {
        private Findings() {}

        static Map<String, String> extract(String text) {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            new FindingsExtractor()
                    .extract(text)
                    .forEach((finding, state) -> out.put(
                            finding.name().toLowerCase(java.util.Locale.ROOT),
                            state.name().toLowerCase(java.util.Locale.ROOT)));
            return out;
        }
    }
}

package org.cxrplatform.llava.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.engine.RequestHandle;

/**
 * Where a report prompt's prefill spends its time, as the engine runs it (the image encoded in the
 * admitting step, then the prompt in chunks of {@code --chunks} positions, each chunk one step): per
 * round the vision tower alone and the whole prefill (to the first token) for each chunk size,
 * alternating which goes first; then one prefill per chunk size under PyTorch's profiler, its operator
 * time split into the vision tower (profiled alone) and the language prefill's projections, attention
 * products, softmax and mask, copies, and element-wise work (norms, RoPE, SiLU, residuals). The
 * profiler's times include its own cost per call; the unprofiled rounds are the figures.
 *
 * <pre>java -Xmx8g -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.PrefillBreakdown
 *     [--threads 2] [--rounds 3] [--chunks 256] [--dtype fp32|fp16] [--model DIR]</pre>
 *
 * <p>Last, the attention products of one 256-row chunk and of the vision tower on the layouts they can
 * take: q·kᵀ against a view of the KV cache (and the vision tower's heads split out of the fused q/k/v)
 * or against a row-major copy, the copy's time included.
 */
public final class PrefillBreakdown {

    private PrefillBreakdown() {}

    /** The engine loaded with one chunk size, and its figures. */
    private record Variant(int chunk, CxrLlava llava, double[] visionMs, double[] prefillMs, List<String> steps) {}

    public static void main(String[] args) throws Exception {
        Path modelDir = null;
        int rounds = 3;
        int[] chunks = {256};
        String dtype = "fp32";
        String threads = "2";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> modelDir = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dtype" -> dtype = args[++i];
                case "--threads" -> threads = args[++i];
                case "--chunks" ->
                    chunks = java.util.Arrays.stream(args[++i].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", threads); // before the engine starts
        Figures.header("PrefillBreakdown");
        Path dir = modelDir != null ? modelDir : Figures.mediumModel();
        Random rnd = new Random(5);
        List<Variant> variants = new ArrayList<>();
        try {
            for (int chunk : chunks) {
                CxrLlava llava = CxrLlava.load(
                        dir,
                        new RuntimeOptions("cpu", dtype),
                        EngineConfig.defaults().withMaxSlots(1).withPrefillChunk(chunk));
                variants.add(new Variant(chunk, llava, new double[rounds], new double[rounds], new ArrayList<>()));
                prefill(llava, rnd); // warm-up
                prefill(llava, rnd);
            }
            int n = variants.size();
            for (int r = 0; r < rounds; r++) {
                StringBuilder line =
                        new StringBuilder(String.format(Locale.ROOT, "round %d (load %s):", r + 1, Figures.load1()));
                for (int k = 0; k < n; k++) {
                    Variant v = variants.get((r + k) % n); // rotate which goes first
                    float[] pixels = v.llava()
                            .prompts()
                            .prepare(GenerationRequest.report(Figures.randomImage(600, 520, rnd)))
                            .pixelValues();
                    long t = System.nanoTime();
                    v.llava().model().encodeImages(List.of(pixels));
                    v.visionMs()[r] = (System.nanoTime() - t) / 1e6;
                    double[] steps = prefill(v.llava(), rnd);
                    v.prefillMs()[r] = steps[0];
                    line.append(String.format(
                            Locale.ROOT,
                            " chunk %d: vision %.0f ms, prefill %.0f ms (steps%s);",
                            v.chunk(),
                            v.visionMs()[r],
                            steps[0],
                            stepList(steps)));
                }
                System.out.println(line.append(" load at end ").append(Figures.load1()));
            }
            for (Variant v : variants) {
                System.out.printf(
                        Locale.ROOT,
                        "chunk %d over %d rounds, median [min-max]: vision %s ms, prefill to the first token %s ms%n",
                        v.chunk(),
                        rounds,
                        Figures.spread(v.visionMs()),
                        Figures.spread(v.prefillMs()));
            }
            for (Variant v : variants) {
                breakdown(v, rnd);
            }
            layouts(variants.get(0).llava(), rounds);
        } finally {
            for (Variant v : variants) {
                v.llava().close();
            }
        }
        Figures.footer();
    }

    /**
     * Median ms of q·kᵀ for a 256-row chunk of the model's decoder against its slot's keys at several
     * prompt lengths, the keys as a view of a [slots, heads, capacity, head dim] cache or as a row-major
     * copy made in the timed call; then the vision tower's q·kᵀ with q and k as views of the fused
     * q/k/v or as one row-major copy.
     */
    private static void layouts(CxrLlava llava, int rounds) {
        var c = llava.config();
        int heads = c.heads();
        int headDim = c.hiddenSize() / heads;
        int repeats = 2 * rounds + 1;
        try (NDManager m = NDManager.newBaseManager(llava.model().device(), "PyTorch")) {
            NDArray cache = m.randomNormal(new Shape(2, c.kvHeads(), 2048, headDim));
            NDArray q = m.randomNormal(new Shape(1, heads, 256, headDim));
            StringBuilder line = new StringBuilder("chunk q·kᵀ, 256 rows, ms view / row-major copy:");
            for (int keys : new int[] {256, 512, 768, 1024, 1112}) {
                NDArray view = cache.get("0:1, :, :{}", keys);
                double onView = medianMs(repeats, () -> q.matMul(view.transpose(0, 1, 3, 2)));
                double onCopy = medianMs(repeats, () -> {
                    try (NDArray k = view.flatten().reshape(view.getShape())) {
                        return q.matMul(k.transpose(0, 1, 3, 2));
                    }
                });
                line.append(String.format(Locale.ROOT, " %d keys %.1f / %.1f;", keys, onView, onCopy));
            }
            System.out.println(line);
            long t = c.imageTokens() + 1L;
            int width = c.visionWidth();
            int vHeads = c.visionHeads();
            long hw = width / vHeads;
            NDArray qkv = m.randomNormal(new Shape(1, t, 3L * width));
            double views = medianMs(repeats, () -> {
                NDArray vq =
                        qkv.get(":, :, 0:{}", width).reshape(1, t, vHeads, hw).transpose(0, 2, 1, 3);
                NDArray vk = qkv.get(":, :, {}:{}", width, 2 * width)
                        .reshape(1, t, vHeads, hw)
                        .transpose(0, 2, 1, 3);
                return vq.matMul(vk.transpose(0, 1, 3, 2));
            });
            double copy = medianMs(repeats, () -> {
                NDArray permuted = qkv.reshape(1, t, 3, vHeads, hw).transpose(2, 0, 3, 1, 4);
                try (NDArray split = permuted.flatten().reshape(permuted.getShape())) {
                    return split.get(0).matMul(split.get(1).transpose(0, 1, 3, 2));
                }
            });
            System.out.printf(
                    Locale.ROOT,
                    "vision q·kᵀ, %d tokens x %d heads, ms: views of the fused q/k/v %.1f / one row-major copy %.1f%n",
                    t,
                    vHeads,
                    views,
                    copy);
        }
    }

    private static double medianMs(int repeats, java.util.function.Supplier<NDArray> product) {
        product.get().close(); // warm-up
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            product.get().close();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return Figures.median(ms);
    }

    /** One report prompt through the engine until its first token: {total ms, then each step's ms}. */
    private static double[] prefill(CxrLlava llava, Random rnd) {
        Engine engine = llava.engine();
        RequestHandle h = engine.submit(
                GenerationRequest.report(Figures.randomImage(600, 520, rnd)),
                GenerationOptions.greedy().withMaxNewTokens(1),
                0,
                null);
        List<Double> steps = new ArrayList<>();
        long t = System.nanoTime();
        while (!h.isDone()) {
            engine.step();
            steps.add(engine.lastStep().nanos() / 1e6);
        }
        double[] out = new double[steps.size() + 1];
        out[0] = (System.nanoTime() - t) / 1e6;
        for (int i = 0; i < steps.size(); i++) {
            out[i + 1] = steps.get(i);
        }
        return out;
    }

    private static String stepList(double[] steps) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i < steps.length; i++) {
            s.append(String.format(Locale.ROOT, " %.0f", steps[i]));
        }
        return s.toString();
    }

    /** One profiled prefill per chunk size, its operator time by stage, and the vision tower profiled alone. */
    private static void breakdown(Variant v, Random rnd) {
        CxrLlava llava = v.llava();
        float[] pixels = llava.prompts()
                .prepare(GenerationRequest.report(Figures.randomImage(600, 520, rnd)))
                .pixelValues();
        NativeOps.Count vision =
                NativeOps.count(false, true, () -> llava.model().encodeImages(List.of(pixels)));
        NativeOps.Count all = NativeOps.count(false, true, () -> prefill(llava, rnd));
        int headDim = llava.config().hiddenSize() / llava.config().heads();
        Map<String, Double> stages = stages(all, headDim);
        double visionMs = vision.micros() / 1000;
        System.out.printf(
                Locale.ROOT,
                "chunk %d under the profiler (ms inside operators): prefill %.0f = vision tower %.0f (alone: %s) + "
                        + "language %.0f:%n",
                v.chunk(),
                all.micros() / 1000,
                visionMs,
                vision.timeSummary(4),
                all.micros() / 1000 - visionMs);
        Map<String, Double> visionStages = stages(vision, headDim);
        for (Map.Entry<String, Double> e : stages.entrySet()) {
            double language = e.getValue() - visionStages.getOrDefault(e.getKey(), 0.0);
            System.out.printf(Locale.ROOT, "  %-58s %8.1f ms%n", e.getKey(), language);
        }
        System.out.printf(Locale.ROOT, "  top operators (vision included): %s%n", all.timeSummary(10));
    }

    /** Operator time (ms) by stage, from operator names and input shapes. */
    static Map<String, Double> stages(NativeOps.Count count, int headDim) {
        Map<String, Double> ms = new LinkedHashMap<>();
        for (String s : new String[] {PROJECTIONS, SCORES, PROBS_V, SOFTMAX, COPIES, ELEMENTWISE}) {
            ms.put(s, 0.0);
        }
        ObjectMapper json = new ObjectMapper();
        count.microsByName().forEach((key, micros) -> {
            String op = NativeOps.operator(key);
            JsonNode shapes;
            try {
                shapes = json.readTree(key.substring(op.length()).trim());
            } catch (Exception e) {
                shapes = json.createArrayNode();
            }
            ms.merge(stage(op, shapes, headDim), micros / 1000, Double::sum);
        });
        return ms;
    }

    static final String PROJECTIONS = "projections (matmul/linear of a weight, lm_head)";
    static final String SCORES = "attention q·kᵀ";
    static final String PROBS_V = "attention p·v";
    static final String SOFTMAX = "softmax and mask (softmax, add_ of the mask)";
    static final String COPIES = "copies (reshape, cat, cache writes, casts, index)";
    static final String ELEMENTWISE = "element-wise (RMSNorm, RoPE, SiLU, residuals, others)";

    private static String stage(String op, JsonNode shapes, int headDim) {
        int rank = shapes.path(0).size();
        switch (op) {
            case "aten::matmul", "aten::linear", "aten::addmm", "aten::mm", "aten::bmm" -> {
                if (rank == 4) {
                    JsonNode second = shapes.path(1);
                    return second.path(second.size() - 2).asInt() == headDim ? SCORES : PROBS_V;
                }
                return PROJECTIONS;
            }
            case "aten::softmax", "aten::_softmax", "aten::add_" -> {
                return rank == 4 || op.contains("softmax") ? SOFTMAX : ELEMENTWISE;
            }
            case "aten::reshape",
                    "aten::cat",
                    "aten::index_put_",
                    "aten::index",
                    "aten::copy_",
                    "aten::clone",
                    "aten::contiguous",
                    "aten::to",
                    "aten::flatten" -> {
                return COPIES;
            }
            default -> {
                return ELEMENTWISE;
            }
        }
    }
}

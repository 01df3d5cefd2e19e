package org.cxrplatform.llava.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Whether half precision speeds up the decoder on this CPU, in the products it runs: the weights of
 * the medium model (q/k/v, o, gate/up, down of one layer and the lm_head) in fp32 and fp16 (and bf16
 * with {@code --bf16}, only where {@code DtypeProbe} says the bridge can create it), stored [in, out]
 * (applied as x·W) or [out, in] (x·Wᵀ), as one block or as one column block per intra-op thread
 * applied as one batched product (what {@code Projection} does on a CPU). Four shapes of x:
 *
 * <ul>
 *   <li>decode, batch 1: one row through all five weights (what a decode step reads);
 *   <li>decode, batch 8: eight rows, the same weights;
 *   <li>prefill: 1,112 rows (a report prompt) through one layer's four weights, no lm_head; also fp16
 *       weights widened to fp32 for the product, what a prefill chunk can do instead of a slow
 *       half-precision GEMM;
 *   <li>prefill chunk: 256 rows (the engine's default chunk) through the same four weights, fp32 as the
 *       engine stores it against {@code HalfProjection}'s product (the fp16 weight widened, x and the
 *       result float32) and the widening alone: what widening once per step, not once per prompt, costs.
 * </ul>
 *
 * plus the attention of a decode row over a 1,112-position cache (16 heads of 64, 8 layers). Rounds
 * interleave the variants of a shape, rotating which goes first. Uses only DJL's API, so the same
 * class runs against other libtorch versions ({@code bench/half-precision.sh} runs it on the CPU
 * natives of PyTorch 2.5.1 and 2.7.1).
 *
 * <pre>java -Dai.djl.pytorch.num_threads=1 -cp cxr-llava/target/cxr-llava.jar \
 *     org.cxrplatform.llava.bench.HalfPrecision [--rounds 9] [--prefill-rounds 3] [--bf16]
 *     [--shapes decode,prefill,chunk,attention]</pre>
 */
public final class HalfPrecision {

    private static final int[][] LAYER = {{1024, 3072}, {1024, 1024}, {1024, 5632}, {2816, 1024}};
    private static final int[] LM_HEAD = {1024, 32000};
    private static final int PROMPT = 1112;
    private static final int CHUNK = 256;

    private HalfPrecision() {}

    /** One way of storing weight i and applying it to x of {@code type}. */
    private record Variant(String name, DataType type, Product apply) {}

    private interface Product {
        NDArray apply(int weight, NDArray x);
    }

    public static void main(String[] args) {
        int rounds = 9;
        int prefillRounds = 3;
        boolean bf16 = false;
        List<String> shapes = List.of("decode", "prefill", "chunk", "attention");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shapes" -> shapes = List.of(args[++i].split(","));
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--prefill-rounds" -> prefillRounds = Integer.parseInt(args[++i]);
                case "--bf16" -> bf16 = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int threads = Integer.getInteger("ai.djl.pytorch.num_threads", 1);
        List<DataType> halves = new ArrayList<>(List.of(DataType.FLOAT16));
        if (bf16) {
            halves.add(DataType.BFLOAT16);
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            System.out.printf(
                    Locale.ROOT,
                    "HalfPrecision: PyTorch %s, intra-op threads %d (column blocks %d), load average %s%n",
                    ai.djl.engine.Engine.getEngine("PyTorch").getVersion(),
                    threads,
                    threads,
                    Figures.loadAverage());
            if (shapes.contains("decode")) {
                List<int[]> decodeShapes = new ArrayList<>(List.of(LAYER));
                decodeShapes.add(LM_HEAD);
                Weights decode = new Weights(m, decodeShapes, threads);
                run("decode, batch 1", decode, variants(decode, halves, threads, true, true), m, 1, rounds);
                run("decode, batch 8", decode, variants(decode, halves, threads, true, true), m, 8, rounds);
            }
            Weights layer = new Weights(m, List.of(LAYER), threads);
            if (shapes.contains("prefill")) {
                run(
                        "prefill, " + PROMPT + " rows, one layer",
                        layer,
                        variants(layer, halves, threads, false, true),
                        m,
                        PROMPT,
                        prefillRounds);
            }
            if (shapes.contains("chunk")) {
                run(
                        "prefill chunk, " + CHUNK + " rows, one layer",
                        layer,
                        chunkVariants(layer, threads),
                        m,
                        CHUNK,
                        rounds);
            }
            if (shapes.contains("attention")) {
                attention(m, halves, rounds);
            }
            Figures.footer();
        }
    }

    /**
     * The variants for one set of weights: fp32 as the engine stores it today and transposed, each
     * half type in both layouts (the slow x·W layout only for few rows), and with several threads the
     * column-block forms.
     */
    private static List<Variant> variants(
            Weights w, List<DataType> halves, int blocks, boolean withSlowLayout, boolean widened) {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("fp32 x·W", DataType.FLOAT32, (i, x) -> w.inOut(i, x, DataType.FLOAT32)));
        v.add(new Variant("fp32 x·Wᵀ", DataType.FLOAT32, (i, x) -> w.outIn(i, x, DataType.FLOAT32)));
        if (blocks > 1) {
            v.add(new Variant(
                    "fp32 blocks x·W (today)", DataType.FLOAT32, (i, x) -> w.blocksInOut(i, x, DataType.FLOAT32)));
        }
        for (DataType h : halves) {
            String name = h == DataType.FLOAT16 ? "fp16" : "bf16";
            if (withSlowLayout) {
                v.add(new Variant(name + " x·W", h, (i, x) -> w.inOut(i, x, h)));
            }
            v.add(new Variant(name + " x·Wᵀ", h, (i, x) -> w.outIn(i, x, h)));
            if (blocks > 1) {
                v.add(new Variant(name + " blocks x·Wᵀ", h, (i, x) -> w.blocksOutIn(i, x, h)));
            }
            if (widened) {
                v.add(new Variant(name + " widened to fp32, x·Wᵀ", h, (i, x) -> w.widenedOutIn(i, x, h)));
            }
        }
        return v;
    }

    /** A prefill chunk as the engine runs it in fp32 and in fp16 ({@code HalfProjection}), and the widening alone. */
    private static List<Variant> chunkVariants(Weights w, int blocks) {
        DataType f16 = DataType.FLOAT16;
        return List.of(
                blocks > 1
                        ? new Variant(
                                "fp32 blocks x·W (engine)",
                                DataType.FLOAT32,
                                (i, x) -> w.blocksInOut(i, x, DataType.FLOAT32))
                        : new Variant("fp32 x·W (engine)", DataType.FLOAT32, (i, x) -> w.inOut(i, x, DataType.FLOAT32)),
                new Variant(
                        "fp16 widened, x fp32 (HalfProjection)",
                        DataType.FLOAT32,
                        (i, x) -> w.widenedProduct(i, x, f16)),
                new Variant("fp16 widening alone (no product)", DataType.FLOAT32, (i, x) -> w.widened(i, f16)));
    }

    private static void run(String title, Weights w, List<Variant> variants, NDManager m, int rows, int rounds) {
        NDArray[] x32 = new NDArray[w.shapes.size()];
        for (int i = 0; i < x32.length; i++) {
            x32[i] = m.randomUniform(-1f, 1f, new Shape(rows, w.shapes.get(i)[0]));
        }
        double[][] ms = new double[variants.size()][rounds];
        for (int r = -1; r < rounds; r++) { // round -1 warms every kernel up
            for (int k = 0; k < variants.size(); k++) {
                int vi = (Math.max(r, 0) + k) % variants.size();
                Variant variant = variants.get(vi);
                try (NDScope scope = new NDScope()) {
                    NDArray[] x = new NDArray[x32.length];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = x32[i].toType(variant.type, true);
                    }
                    long start = System.nanoTime();
                    for (int i = 0; i < x.length; i++) {
                        variant.apply.apply(i, x[i]).getShape(); // libtorch computes eagerly
                    }
                    if (r >= 0) {
                        ms[vi][r] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "-- %s (load average %s)%n", title, Figures.loadAverage());
        for (int vi = 0; vi < variants.size(); vi++) {
            Variant variant = variants.get(vi);
            int bytes = variant.type.getNumOfBytes();
            double[] rate = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                rate[r] = rows == 1
                        ? w.values * bytes / ms[vi][r] / 1e6 // GB/s of weights
                        : 2.0 * w.values * rows / ms[vi][r] / 1e6; // GFLOP/s
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-36s %4.0f MB, %s ms, %s %s (median [min-max] of %d)%n",
                    variant.name,
                    w.values * bytes / 1e6,
                    Figures.spread(ms[vi]),
                    Figures.spread(rate),
                    rows == 1 ? "GB/s" : "GFLOP/s",
                    rounds);
        }
        for (NDArray x : x32) {
            x.close();
        }
    }

    /** A decode row's attention over a 1,112-position cache: scores q·Kᵀ and output p·V, 8 layers. */
    private static void attention(NDManager m, List<DataType> halves, int rounds) {
        List<DataType> types = new ArrayList<>(List.of(DataType.FLOAT32));
        types.addAll(halves);
        NDArray q32 = m.randomUniform(-1f, 1f, new Shape(16, 1, 64));
        NDArray k32 = m.randomUniform(-1f, 1f, new Shape(16, PROMPT, 64));
        NDArray v32 = m.randomUniform(-1f, 1f, new Shape(16, PROMPT, 64));
        NDArray[][] qkv = new NDArray[types.size()][];
        for (int t = 0; t < types.size(); t++) {
            DataType type = types.get(t);
            qkv[t] = new NDArray[] {q32.toType(type, false), k32.toType(type, false), v32.toType(type, false)};
        }
        double[][] ms = new double[types.size()][rounds];
        for (int r = -1; r < rounds; r++) {
            for (int k = 0; k < types.size(); k++) {
                int t = (Math.max(r, 0) + k) % types.size();
                long start = System.nanoTime();
                for (int layer = 0; layer < 8; layer++) {
                    try (NDScope scope = new NDScope()) {
                        qkv[t][0]
                                .matMul(qkv[t][1].transpose(0, 2, 1))
                                .matMul(qkv[t][2])
                                .getShape();
                    }
                }
                if (r >= 0) {
                    ms[t][r] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "-- attention of one decode row over %d positions, 16 heads × 64, 8 layers (load average %s)%n",
                PROMPT,
                Figures.loadAverage());
        for (int t = 0; t < types.size(); t++) {
            System.out.printf(
                    Locale.ROOT, "%-32s %s ms (median [min-max] of %d)%n", types.get(t), Figures.spread(ms[t]), rounds);
        }
    }

    /** The same random weights in every type and layout, made on first use. */
    private static final class Weights {
        final List<int[]> shapes;
        final long values;
        private final int blocks;
        private final NDArray[] outIn32; // [out, in], as in the checkpoint
        private final Map<String, NDArray[]> stored = new HashMap<>();

        Weights(NDManager m, List<int[]> shapes, int blocks) {
            this.shapes = shapes;
            this.blocks = blocks;
            outIn32 = new NDArray[shapes.size()];
            long n = 0;
            for (int i = 0; i < shapes.size(); i++) {
                outIn32[i] = m.randomUniform(-0.05f, 0.05f, new Shape(shapes.get(i)[1], shapes.get(i)[0]));
                n += (long) shapes.get(i)[0] * shapes.get(i)[1];
            }
            values = n;
        }

        /** [in, out], applied as x·W (the engine's layout with one block). */
        NDArray inOut(int i, NDArray x, DataType t) {
            return x.matMul(get(
                    "inOut",
                    t,
                    w -> w.transpose().flatten().reshape(w.getShape().get(1), -1))[i]);
        }

        /** [out, in], applied as x·Wᵀ (torch's linear). */
        NDArray outIn(int i, NDArray x, DataType t) {
            return Linear.linear(x, get("outIn", t, w -> w)[i]).singletonOrThrow();
        }

        /** [out, in] in a half type, widened to fp32 (weight and x) for the product, the result cast back. */
        NDArray widenedOutIn(int i, NDArray x, DataType t) {
            NDArray w32 = widened(i, t);
            return Linear.linear(x.toType(DataType.FLOAT32, false), w32)
                    .singletonOrThrow()
                    .toType(t, false);
        }

        /** [out, in] in a half type widened to float32, freed after x (float32)·Wᵀ: {@code HalfProjection} above 64 rows. */
        NDArray widenedProduct(int i, NDArray x, DataType t) {
            try (NDArray w32 = widened(i, t)) {
                return Linear.linear(x, w32).singletonOrThrow();
            }
        }

        /** [out, in] in a half type, widened to float32. */
        NDArray widened(int i, DataType t) {
            return get("outIn", t, w -> w)[i].toType(DataType.FLOAT32, false);
        }

        /** Today's {@code Projection} on a CPU: [blocks, in, out/blocks], x broadcast over the blocks. */
        NDArray blocksInOut(int i, NDArray x, DataType t) {
            NDArray w = get("blocksInOut", t, w32 -> {
                long out = w32.getShape().get(0);
                long in = w32.getShape().get(1);
                return w32.reshape(blocks, out / blocks, in)
                        .transpose(0, 2, 1)
                        .flatten()
                        .reshape(blocks, in, out / blocks);
            })[i];
            return applyBlocks(x, w);
        }

        /** [blocks, out/blocks, in], each block applied as x·Wᵀ (a transposed view of the block). */
        NDArray blocksOutIn(int i, NDArray x, DataType t) {
            NDArray w = get(
                    "blocksOutIn", t, w32 -> w32.reshape(blocks, w32.getShape().get(0) / blocks, -1))[i];
            return applyBlocks(x, w.transpose(0, 2, 1));
        }

        private NDArray applyBlocks(NDArray x, NDArray w) {
            long n = x.getShape().get(0);
            long in = x.getShape().get(1);
            return x.expandDims(0)
                    .broadcast(blocks, n, in)
                    .matMul(w) // [blocks, n, out/blocks]
                    .transpose(1, 0, 2)
                    .reshape(n, -1);
        }

        private NDArray[] get(String layout, DataType t, UnaryOperator<NDArray> fromOutIn) {
            return stored.computeIfAbsent(layout + t, key -> {
                NDArray[] ws = new NDArray[shapes.size()];
                for (int i = 0; i < ws.length; i++) {
                    try (NDScope scope = new NDScope()) {
                        ws[i] = fromOutIn.apply(outIn32[i]).toType(t, true);
                        NDScope.unregister(ws[i]);
                    }
                }
                return ws;
            });
        }
    }
}

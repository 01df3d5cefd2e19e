package org.cxrplatform.llava.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The small operators of a batch-1 decode step's attention (16 heads, 1,112 cached positions) with 1 and
 * 2 intra-op threads, without the profiler (whose own cost lands on parallelised operators): median, 90th
 * percentile and mean µs of each. An operator that libtorch hands to both threads shows it in the mean at
 * 2 threads when another process holds the second core (the fork-join waits for it). Also what switching
 * the calling thread's count costs and that the switch takes effect (a 1024² product at each count).
 *
 * <pre>java -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.SmallOps [--rounds 3] [--calls 600]</pre>
 */
public final class SmallOps {

    private SmallOps() {}

    public static void main(String[] args) {
        int rounds = 3;
        int calls = 600;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Figures.header("SmallOps");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray scores = m.randomUniform(-5f, 5f, new Shape(1, 16, 1, 1112));
            NDArray mask = m.zeros(new Shape(1, 1, 1, 1112));
            NDArray rowMax = scores.max(new int[] {-1}, true);
            NDArray q = m.randomUniform(-1f, 1f, new Shape(1, 16, 1, 64));
            NDArray keys = m.randomUniform(-1f, 1f, new Shape(1, 16, 64, 1112));
            NDArray probs = scores.softmax(-1);
            NDArray values = m.randomUniform(-1f, 1f, new Shape(1, 16, 1112, 64));
            Map<String, Supplier<NDArray>> ops = new LinkedHashMap<>();
            ops.put("softmax", () -> scores.softmax(-1));
            ops.put("add mask", () -> scores.add(mask));
            ops.put("max(dim)", () -> scores.max(new int[] {-1}, true));
            ops.put("sub", () -> scores.sub(rowMax));
            ops.put("exp", scores::exp);
            ops.put("sum(dim)", () -> scores.sum(new int[] {-1}, true));
            ops.put("div", () -> scores.div(rowMax));
            ops.put("q·kᵀ", () -> q.matMul(keys));
            ops.put("p·v", () -> probs.matMul(values));
            for (int r = 0; r < rounds; r++) {
                for (int threads = 1; threads <= 2; threads++) {
                    JniUtils.setNumThreads(threads);
                    StringBuilder line = new StringBuilder(String.format(
                            Locale.ROOT, "round %d, %d thread(s), load %s:", r + 1, threads, Figures.load1()));
                    for (Map.Entry<String, Supplier<NDArray>> op : ops.entrySet()) {
                        long[] ns = new long[calls];
                        for (int i = 0; i < calls; i++) {
                            try (NDScope scope = new NDScope()) {
                                long t = System.nanoTime();
                                op.getValue().get();
                                ns[i] = System.nanoTime() - t;
                            }
                        }
                        line.append(String.format(Locale.ROOT, "  %s %s", op.getKey(), micros(ns)));
                    }
                    System.out.println(line);
                }
                System.out.println(switching(m, calls));
            }
        }
        Figures.footer();
    }

    /** "median/p90/mean µs". */
    private static String micros(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return String.format(
                Locale.ROOT,
                "%.1f/%.1f/%.1f",
                s[s.length / 2] / 1e3,
                s[s.length * 9 / 10] / 1e3,
                Arrays.stream(s).average().orElse(0) / 1e3);
    }

    /** 2 → 1 → 2 threads on the calling thread, and a 1024² product at each count (median ms of 15). */
    private static String switching(NDManager m, int calls) {
        long[] ns = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            JniUtils.setNumThreads(1);
            JniUtils.setNumThreads(2);
            ns[i] = System.nanoTime() - t;
        }
        double[] productMs = new double[3];
        try (NDArray x = m.randomUniform(-1f, 1f, new Shape(1024, 1024))) {
            for (int threads = 1; threads <= 2; threads++) {
                double[] ms = new double[15];
                for (int i = 0; i < ms.length; i++) {
                    JniUtils.setNumThreads(threads);
                    long t = System.nanoTime();
                    try (NDArray y = x.matMul(x)) {
                        y.getShape(); // libtorch computes eagerly on the CPU
                    }
                    ms[i] = (System.nanoTime() - t) / 1e6;
                    JniUtils.setNumThreads(2);
                }
                productMs[threads] = Figures.median(ms);
            }
        }
        return String.format(
                Locale.ROOT,
                "switching 2 → 1 → 2 threads: %s µs (median/p90/mean); 1024² product after switching to 1 thread"
                        + " %.2f ms, to 2 threads %.2f ms",
                micros(ns),
                productMs[1],
                productMs[2]);
    }
}

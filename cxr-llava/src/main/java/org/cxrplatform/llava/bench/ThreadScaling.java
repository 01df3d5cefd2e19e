package org.cxrplatform.llava.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.engine.EngineConfig;

/**
 * Decode speed with 1 and 2 PyTorch threads, for each weight dtype asked ({@code --dtype fp32,fp16}:
 * fp16 on the CPU = fp16 projections, float32 compute), each beside the memory bandwidth measured at
 * the same thread count in the same round (rounds rotate which variant goes first), and where a
 * decode step's time goes (the profiler's time inside each operator, and outside any operator).
 *
 * <pre>java -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.ThreadScaling [--model DIR]
 *     [--rounds 5] [--steps 16] [--batch 1] [--dtype fp32[,fp16]]</pre>
 */
public final class ThreadScaling {

    private ThreadScaling() {}

    /** One model loaded for a weight dtype at a thread count (the projections' layout depends on both). */
    private record Variant(String dtype, int threads, CxrLlava llava, Figures.Decoder decoder) {
        String name() {
            return dtype + ", " + threads + " thread(s)";
        }
    }

    public static void main(String[] args) throws Exception {
        Path modelDir = null;
        int rounds = 5;
        int steps = 16;
        int batch = 1;
        List<String> dtypes = List.of("fp32");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> modelDir = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--dtype" -> dtypes = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", "2");
        Figures.header("ThreadScaling");
        Path dir = modelDir != null ? modelDir : Figures.mediumModel();
        // One model per dtype and thread count: the projections' layout is chosen at load for the thread
        // count and dtype then (cxr-llava's Projection), so each figure runs on the layout the service
        // would load with them.
        List<Variant> variants = new ArrayList<>();
        Engine.getEngine("PyTorch"); // loads libtorch before the thread count is set
        try {
            for (String dtype : dtypes) {
                for (int threads = 1; threads <= 2; threads++) {
                    JniUtils.setNumThreads(threads);
                    CxrLlava llava = CxrLlava.load(
                            dir,
                            new RuntimeOptions("cpu", dtype),
                            EngineConfig.defaults().withMaxSlots(batch));
                    variants.add(new Variant(
                            dtype, threads, llava, new Figures.Decoder(llava, batch, (rounds + 3) * (steps + 2))));
                }
            }
            for (Variant v : variants) {
                JniUtils.setNumThreads(v.threads());
                v.decoder().warmUp(steps); // a model's first steps run 30-50 % slower
            }
            int n = variants.size();
            double[][] ms = new double[n][rounds];
            double[][] ceilings = new double[n][rounds];
            for (int r = 0; r < rounds; r++) {
                StringBuilder line =
                        new StringBuilder(String.format(Locale.ROOT, "round %d (load %s):", r + 1, Figures.load1()));
                for (int k = 0; k < n; k++) {
                    int i = (r + k) % n; // rotate which goes first
                    Variant v = variants.get(i);
                    JniUtils.setNumThreads(v.threads());
                    ceilings[i][r] = Figures.bandwidthGbs(v.llava());
                    ms[i][r] = v.decoder().medianStepMs(steps);
                    double bytes = v.decoder().bytesPerStep();
                    line.append(String.format(
                            Locale.ROOT,
                            "  %s: decode %.2f ms/step, %.1f GB/s = %.0f%% of %.1f GB/s",
                            v.name(),
                            ms[i][r],
                            bytes / ms[i][r] / 1e6,
                            100 * bytes / ms[i][r] / 1e6 / ceilings[i][r],
                            ceilings[i][r]));
                }
                System.out.println(line);
            }
            System.out.printf(
                    Locale.ROOT,
                    "batch %d, context %d%n",
                    batch,
                    variants.get(0).decoder().context());
            for (int i = 0; i < n; i++) {
                Variant v = variants.get(i);
                double bytes = v.decoder().bytesPerStep();
                double[] share = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    share[r] = 100 * bytes / ms[i][r] / 1e6 / ceilings[i][r];
                }
                System.out.printf(
                        Locale.ROOT,
                        "%s: %.0f MB read per step, decode %s ms/step, bandwidth %s GB/s, decode = %s %% of it%n",
                        v.name(),
                        bytes / 1e6,
                        Figures.spread(ms[i]),
                        Figures.spread(ceilings[i]),
                        Figures.spread(share));
            }
            for (int i = 0; i < n; i += 2) { // 1 thread at i, 2 threads at i + 1
                System.out.printf(
                        Locale.ROOT,
                        "%s: speed-up 2 threads / 1 thread: %s x (target >= 1.6)%n",
                        variants.get(i).dtype(),
                        Figures.spread(ratio(ms[i], ms[i + 1])));
            }
            for (int i = 2; i < n; i++) {
                System.out.printf(
                        Locale.ROOT,
                        "%s against %s, %d thread(s), same round: %s x faster%n",
                        variants.get(i).dtype(),
                        variants.get(i % 2).dtype(),
                        variants.get(i).threads(),
                        Figures.spread(ratio(ms[i % 2], ms[i])));
            }
            for (Variant v : variants) {
                JniUtils.setNumThreads(v.threads());
                NativeOps.Count ops = v.decoder().profile(4);
                System.out.printf(
                        Locale.ROOT,
                        "%s, one step under the profiler: %d operator calls, %.2f ms inside them; by time: %s%n",
                        v.name(),
                        ops.calls(),
                        ops.micros() / 1000,
                        ops.timeSummary(8));
            }
        } finally {
            for (Variant v : variants) {
                v.decoder().close();
                v.llava().close();
            }
        }
        Figures.footer();
    }

    /** a[r] / b[r] per round. */
    private static double[] ratio(double[] a, double[] b) {
        double[] q = new double[a.length];
        for (int r = 0; r < a.length; r++) {
            q[r] = a[r] / b[r];
        }
        return q;
    }
}

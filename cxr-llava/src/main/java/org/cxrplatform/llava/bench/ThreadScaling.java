package org.cxrplatform.llava.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.engine.EngineConfig;

/**
 * Decode speed with 1 and 2 PyTorch threads, each beside the memory bandwidth measured at the same
 * thread count in the same round (rounds alternate which thread count goes first), and where a
 * decode step's time goes (the profiler's time inside each operator, and outside any operator).
 *
 * <pre>java -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.ThreadScaling [--model DIR]
 *     [--rounds 5] [--steps 16] [--batch 1]</pre>
 */
public final class ThreadScaling {

    private ThreadScaling() {}

    public static void main(String[] args) throws Exception {
        Path modelDir = null;
        int rounds = 5;
        int steps = 16;
        int batch = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> modelDir = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", "2");
        Figures.header("ThreadScaling");
        Path dir = modelDir != null ? modelDir : Figures.mediumModel();
        try (CxrLlava llava =
                CxrLlava.load(dir, RuntimeOptions.cpu(), EngineConfig.defaults().withMaxSlots(batch))) {
            Figures.Decoder decoder = new Figures.Decoder(llava, batch, (rounds * 2 + 2) * (steps + 2));
            double bytes = decoder.bytesPerStep();
            List<double[]> perThreads = List.of(new double[rounds], new double[rounds]);
            List<double[]> ceilings = List.of(new double[rounds], new double[rounds]);
            for (int r = 0; r < rounds; r++) {
                StringBuilder line =
                        new StringBuilder(String.format(Locale.ROOT, "round %d (load %s):", r + 1, Figures.load1()));
                for (int k = 0; k < 2; k++) {
                    int threads = (r + k) % 2 + 1; // alternate which goes first
                    JniUtils.setNumThreads(threads);
                    double gbs = Figures.bandwidthGbs(llava);
                    double ms = decoder.medianStepMs(steps);
                    perThreads.get(threads - 1)[r] = ms;
                    ceilings.get(threads - 1)[r] = gbs;
                    line.append(String.format(
                            Locale.ROOT,
                            "  %d thread(s): decode %.2f ms/step, %.1f GB/s = %.0f%% of %.1f GB/s",
                            threads,
                            ms,
                            bytes / ms / 1e6,
                            100 * bytes / ms / 1e6 / gbs,
                            gbs));
                }
                line.append(String.format(
                        Locale.ROOT,
                        "  speed-up %.2fx",
                        perThreads.get(0)[r] / perThreads.get(1)[r]));
                System.out.println(line);
            }
            double[] speedup = new double[rounds];
            double[][] share = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                speedup[r] = perThreads.get(0)[r] / perThreads.get(1)[r];
                for (int t = 0; t < 2; t++) {
                    share[t][r] = 100 * bytes / perThreads.get(t)[r] / 1e6 / ceilings.get(t)[r];
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "batch %d, context %d, %.0f MB read per step%n",
                    batch,
                    decoder.context(),
                    bytes / 1e6);
            for (int t = 0; t < 2; t++) {
                System.out.printf(
                        Locale.ROOT,
                        "%d thread(s): decode %s ms/step, bandwidth %s GB/s, decode = %s %% of it%n",
                        t + 1,
                        Figures.spread(perThreads.get(t)),
                        Figures.spread(ceilings.get(t)),
                        Figures.spread(share[t]));
            }
            System.out.printf(
                    Locale.ROOT, "speed-up 2 threads / 1 thread: %s x (target >= 1.6)%n", Figures.spread(speedup));
            for (int threads = 1; threads <= 2; threads++) {
                JniUtils.setNumThreads(threads);
                NativeOps.Count ops = decoder.profile(4);
                System.out.printf(
                        Locale.ROOT,
                        "%d thread(s), one step under the profiler: %d operator calls, %.2f ms inside "
                                + "them; by time: %s%n",
                        threads,
                        ops.calls(),
                        ops.micros() / 1000,
                        ops.timeSummary(8));
            }
            decoder.close();
            Figures.footer();
        }
    }
}

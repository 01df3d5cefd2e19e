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
        // One model per thread count: the projections' layout is chosen at load for the thread count then
        // (cxr-llava's Projection), so each figure runs on the layout the service would load with it.
        List<CxrLlava> models = new ArrayList<>();
        List<Figures.Decoder> decoders = new ArrayList<>();
        Engine.getEngine("PyTorch"); // loads libtorch before the thread count is set
        try {
            for (int threads = 1; threads <= 2; threads++) {
                JniUtils.setNumThreads(threads);
                CxrLlava llava = CxrLlava.load(
                        dir, RuntimeOptions.cpu(), EngineConfig.defaults().withMaxSlots(batch));
                models.add(llava);
                decoders.add(new Figures.Decoder(llava, batch, (rounds + 3) * (steps + 2)));
            }
            for (int threads = 1; threads <= 2; threads++) {
                JniUtils.setNumThreads(threads);
                decoders.get(threads - 1).warmUp(steps); // a model's first steps run 30-50 % slower
            }
            double bytes = decoders.get(0).bytesPerStep();
            List<double[]> perThreads = List.of(new double[rounds], new double[rounds]);
            List<double[]> ceilings = List.of(new double[rounds], new double[rounds]);
            for (int r = 0; r < rounds; r++) {
                StringBuilder line =
                        new StringBuilder(String.format(Locale.ROOT, "round %d (load %s):", r + 1, Figures.load1()));
                for (int k = 0; k < 2; k++) {
                    int threads = (r + k) % 2 + 1; // alternate which goes first
                    JniUtils.setNumThreads(threads);
                    double gbs = Figures.bandwidthGbs(models.get(threads - 1));
                    double ms = decoders.get(threads - 1).medianStepMs(steps);
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
                    decoders.get(0).context(),
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
                NativeOps.Count ops = decoders.get(threads - 1).profile(4);
                System.out.printf(
                        Locale.ROOT,
                        "%d thread(s), one step under the profiler: %d operator calls, %.2f ms inside "
                                + "them; by time: %s%n",
                        threads,
                        ops.calls(),
                        ops.micros() / 1000,
                        ops.timeSummary(8));
            }
        } finally {
            decoders.forEach(Figures.Decoder::close);
            models.forEach(CxrLlava::close);
        }
        Figures.footer();
    }
}

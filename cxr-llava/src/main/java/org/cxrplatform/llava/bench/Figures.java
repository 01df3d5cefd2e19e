package org.cxrplatform.llava.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.Natives;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.RequestHandle;

/**
 * What the benchmarks share: the machine's ceilings measured with the same engine, the medium random
 * model, the machine's load printed with every figure, and "median [min-max]" over repetitions.
 */
final class Figures {

    private Figures() {}

    /** Prints the machine, the natives and the load before a benchmark. */
    static void header(String name) {
        System.out.printf(
                Locale.ROOT,
                "%s: %d cores, max heap %d MiB, PyTorch natives %s, intra-op threads %s, " + "load average %s%n",
                name,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                Natives.bundledFlavour(),
                System.getProperty("ai.djl.pytorch.num_threads", "engine default"),
                loadAverage());
    }

    static void footer() {
        System.out.printf("load average at end: %s%n", loadAverage());
    }

    /**
     * The medium model (RandomCheckpoint.Spec.medium()), written to a temporary folder that is
     * deleted when the JVM exits (330 MB each run otherwise left in /tmp).
     */
    static Path mediumModel() {
        try {
            Path dir = Files.createTempDirectory("cxr-llava-medium-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            long t = System.nanoTime();
            RandomCheckpoint.write(dir, RandomCheckpoint.Spec.medium(), 1);
            System.out.printf(
                    "wrote the random medium model to %s in %d ms%n", dir, (System.nanoTime() - t) / 1_000_000);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    /** "median [min-max]" of the values. */
    static String spread(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", median(v), v[0], v[v.length - 1]);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** GEMM throughput of the model's device and dtype on a decoder-sized product (best of 5). */
    static double gemmGflops(CxrLlava llava) {
        try (NDManager m = NDManager.newBaseManager(llava.model().device(), "PyTorch")) {
            DataType dtype = llava.model().dtype();
            NDArray a = m.randomNormal(new Shape(1024, 1024)).toType(dtype, false);
            NDArray b = m.randomNormal(new Shape(1024, 2816)).toType(dtype, false);
            a.matMul(b).close();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t = System.nanoTime();
                try (NDArray c = a.matMul(b);
                        NDArray done = c.get("0, 0")) {
                    done.toType(DataType.FLOAT32, false)
                            .toFloatArray(); // waits for the product (a GPU runs asynchronously)
                }
                best = Math.min(best, (System.nanoTime() - t) / 1e9);
            }
            return 2.0 * 1024 * 1024 * 2816 / best / 1e9;
        }
    }

    /**
     * Read bandwidth of the model's device at the engine's current thread count: a sum over 512 MiB of
     * the model's dtype (best of 3).
     */
    static double bandwidthGbs(CxrLlava llava) {
        try (NDManager m = NDManager.newBaseManager(llava.model().device(), "PyTorch")) {
            DataType dtype = llava.model().dtype();
            long n = (512L << 20) / dtype.getNumOfBytes();
            NDArray a = m.ones(new Shape(n), dtype);
            a.sum().close();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                try (NDArray s = a.sum()) {
                    s.toType(DataType.FLOAT32, false).toFloatArray();
                }
                best = Math.min(best, (System.nanoTime() - t) / 1e9);
            }
            return (512L << 20) / best / 1e9;
        }
    }

    /** /proc/loadavg: other processes share these cores, which every figure must be read against. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** The 1-minute load average. */
    static String load1() {
        String all = loadAverage();
        return all.contains(" ") ? all.substring(0, all.indexOf(' ')) : all;
    }

    static BufferedImage randomImage(int w, int h, Random rnd) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 7 + y * 3 + rnd.nextInt(40)) & 0xff);
            }
        }
        return img;
    }

    /** Weights read by one decode step of the model's decoder (every layer and lm_head), in bytes per value. */
    static double weightBytes(CxrLlavaConfig c, int bytesPerValue) {
        long layer = 2L * c.hiddenSize() * c.hiddenSize()
                + 2L * c.hiddenSize() * c.kvHeads() * c.headDim()
                + 3L * c.hiddenSize() * c.intermediateSize();
        return (double) bytesPerValue * (c.layers() * layer + (long) c.vocabSize() * c.hiddenSize());
    }

    /**
     * {@code batch} report requests decoding in the engine (greedy, no guard), for timing steps where
     * every sequence decodes and none prefills. A sequence that ends is replaced.
     */
    static final class Decoder implements AutoCloseable {
        private final CxrLlava llava;
        private final Engine engine;
        private final int batch;
        private final int maxNew;
        private final Random rnd = new Random(3);
        private final List<RequestHandle> handles = new ArrayList<>();
        private final int context;

        Decoder(CxrLlava llava, int batch, int maxNew) {
            this.llava = llava;
            this.engine = llava.engine();
            this.batch = batch;
            this.maxNew = maxNew;
            this.context = llava.prompts()
                    .sequenceLength(llava.prompts()
                            .prepare(GenerationRequest.report(randomImage(600, 520, rnd)))
                            .inputIds());
            fill();
        }

        /** Submits until {@code batch} run, then steps until none prefills. */
        private void fill() {
            handles.removeIf(RequestHandle::isDone);
            while (handles.size() < batch) {
                handles.add(engine.submit(
                        GenerationRequest.report(randomImage(600, 520, rnd)),
                        GenerationOptions.greedy().withMaxNewTokens(maxNew),
                        0,
                        null));
            }
            while (engine.occupancy().running() < batch
                    || engine.occupancy().prefilling() > 0
                    || engine.occupancy().waiting() > 0) {
                engine.step();
            }
            engine.step(); // one step of the steady state before timing
        }

        /** Median wall time of {@code steps} decode steps, ms. */
        /** Runs {@code steps} decode steps untimed. */
        void warmUp(int steps) {
            medianStepMs(steps);
        }

        double medianStepMs(int steps) {
            fill();
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                engine.step();
                ms[i] = engine.lastStep().nanos() / 1e6;
                if (engine.occupancy().running() < batch) {
                    fill();
                }
            }
            return median(ms);
        }

        /** One step's operators, mean of {@code steps} steps under the profiler. */
        NativeOps.Count profile(int steps) {
            fill();
            return NativeOps.count(llava.model().device().isGpu(), () -> {
                        for (int i = 0; i < steps; i++) {
                            engine.step();
                        }
                    })
                    .per(steps);
        }

        int context() {
            return context;
        }

        /**
         * Bytes a decode step reads: the projection weights (in their dtype) plus each row's keys and
         * values at the report context (in the compute dtype, float32 on a CPU).
         */
        double bytesPerStep() {
            CxrLlavaConfig c = llava.config();
            int kvBytes = llava.model().dtype().getNumOfBytes();
            return weightBytes(c, llava.model().weightDtype().getNumOfBytes())
                    + (double) batch * 2 * kvBytes * c.layers() * context * c.kvHeads() * c.headDim();
        }

        @Override
        public void close() {
            handles.forEach(RequestHandle::cancel);
            while (engine.step()) {
                // drain the cancellations
            }
        }
    }
}

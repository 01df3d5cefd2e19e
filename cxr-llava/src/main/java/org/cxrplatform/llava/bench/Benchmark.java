package org.cxrplatform.llava.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.generate.PromptEncoder;

/**
 * Speed of the engine on the medium random model beside the machine's ceilings (GEMM GFLOP/s and
 * memory bandwidth in the model's dtype on its device, measured with the same engine in the same round): operator calls and copies per
 * decode step, then in each round the ceilings, vision encode, prefill of a report prompt, decode at
 * batch 1 and reports per minute at each batch size.
 *
 * <pre>java -Xmx8g -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.Benchmark [--model DIR]
 *     [--threads N] [--rounds 3] [--new-tokens 64] [--batches 1,8] [--device cpu|gpu] [--dtype fp32|fp16]</pre>
 */
public final class Benchmark {

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        Path modelDir = null;
        int newTokens = 64;
        int rounds = 3;
        int[] batches = {1, 8};
        String device = "cpu";
        String dtype = "fp32";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> modelDir = Path.of(args[++i]);
                case "--new-tokens" -> newTokens = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--device" -> device = args[++i];
                case "--dtype" -> dtype = args[++i];
                case "--batches" ->
                    batches = java.util.Arrays.stream(args[++i].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                // PyTorch intra-op threads; must be set before the engine starts
                case "--threads" -> System.setProperty("ai.djl.pytorch.num_threads", args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Figures.header("Benchmark");
        Path dir = modelDir != null ? modelDir : Figures.mediumModel();
        int maxBatch = java.util.Arrays.stream(batches).max().orElse(1);
        long t0 = System.nanoTime();
        EngineConfig engineConfig = EngineConfig.defaults().withMaxSlots(Math.max(4, maxBatch));
        try (CxrLlava llava = CxrLlava.load(dir, new RuntimeOptions(device, dtype), engineConfig)) {
            System.out.printf("load %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, llava.info());
            CxrLlavaConfig c = llava.config();
            Random rnd = new Random(3);

            for (int batch : new int[] {1, 4}) {
                try (Figures.Decoder d = new Figures.Decoder(llava, batch, 64)) {
                    NativeOps.Count ops = d.profile(4);
                    d.medianStepMs(1);
                    var transfers = llava.engine().lastStep().transfers();
                    System.out.printf(
                            Locale.ROOT,
                            "decode step, batch %d: native operator calls %d, %d of them computing, the "
                                    + "rest views (%s); copies per step: %d up (%d B), %d down (%d B)%n",
                            batch,
                            ops.calls(),
                            ops.computing(),
                            ops.summary(12),
                            transfers.uploads(),
                            transfers.uploadBytes(),
                            transfers.downloads(),
                            transfers.downloadBytes());
                }
            }

            float[] pixels = new float[c.imageSize() * c.imageSize()];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) rnd.nextGaussian();
            }
            PromptEncoder.Prepared report =
                    llava.prompts().prepare(GenerationRequest.report(Figures.randomImage(600, 520, rnd)));
            int prefillLen = llava.prompts().sequenceLength(report.inputIds());
            double layerParams = Figures.weightBytes(c, 1) - (double) c.vocabSize() * c.hiddenSize();
            // attention as the chunks compute it: each chunk's rows against every position up to its end
            double scorePairs = 0;
            for (int start = 0; start < prefillLen; start += engineConfig.prefillChunk()) {
                int length = Math.min(engineConfig.prefillChunk(), prefillLen - start);
                scorePairs += (double) length * (start + length);
            }
            double prefillFlops = 2.0 * layerParams * prefillLen
                    + 2.0 * c.vocabSize() * c.hiddenSize()
                    + 4.0 * c.layers() * scorePairs * c.hiddenSize();
            llava.model().encodeImages(List.of(pixels)); // warm-up
            llava.generate(
                    List.of(GenerationRequest.report(Figures.randomImage(600, 520, rnd))),
                    GenerationOptions.greedy().withMaxNewTokens(4),
                    null); // warm-up of the whole path

            double[] gemm = new double[rounds];
            double[] bandwidth = new double[rounds];
            double[] prefillShare = new double[rounds];
            double[] decodeShare = new double[rounds];
            double[][] perMin = new double[batches.length][rounds];
            for (int r = 0; r < rounds; r++) {
                String load = Figures.load1();
                gemm[r] = Figures.gemmGflops(llava);
                bandwidth[r] = Figures.bandwidthGbs(llava);
                long tv = System.nanoTime();
                llava.model().encodeImages(List.of(pixels));
                double visionMs = (System.nanoTime() - tv) / 1e6;
                long tp = System.nanoTime();
                llava.model().prefill(report.inputIds(), report.pixelValues(), engineConfig.prefillChunk());
                double prefillS = (System.nanoTime() - tp) / 1e9;
                prefillShare[r] = 100 * prefillFlops / prefillS / 1e9 / gemm[r];
                double decodeMs;
                double decodeBytes;
                try (Figures.Decoder d = new Figures.Decoder(llava, 1, 40)) {
                    decodeMs = d.medianStepMs(24);
                    decodeBytes = d.bytesPerStep();
                }
                decodeShare[r] = 100 * decodeBytes / decodeMs / 1e6 / bandwidth[r];
                StringBuilder line = new StringBuilder(String.format(
                        Locale.ROOT,
                        "round %d (load %s): GEMM %.1f GFLOP/s, "
                                + "memory %.1f GB/s; vision %.0f ms; prefill %d tokens in %d-position chunks (vision included) %.0f ms = %.0f%% of GEMM; decode "
                                + "batch 1 %.2f ms/token = %.0f%% of memory",
                        r + 1,
                        load,
                        gemm[r],
                        bandwidth[r],
                        visionMs,
                        prefillLen,
                        engineConfig.prefillChunk(),
                        prefillS * 1000,
                        prefillShare[r],
                        decodeMs,
                        decodeShare[r]));
                for (int b = 0; b < batches.length; b++) {
                    List<GenerationRequest> requests = new ArrayList<>();
                    for (int i = 0; i < batches[b]; i++) {
                        requests.add(GenerationRequest.report(Figures.randomImage(600, 520, rnd)));
                    }
                    long tb = System.nanoTime();
                    llava.generate(requests, GenerationOptions.greedy().withMaxNewTokens(newTokens), null);
                    perMin[b][r] = batches[b] * 60e9 / (System.nanoTime() - tb);
                    line.append(String.format(Locale.ROOT, "; batch %d %.1f reports/min", batches[b], perMin[b][r]));
                }
                System.out.println(
                        line.append(" (load at end ").append(Figures.load1()).append(')'));
            }
            System.out.printf(
                    Locale.ROOT,
                    "over %d rounds, median [min-max]: GEMM %s GFLOP/s, memory %s GB/s, prefill %s %% "
                            + "of GEMM, decode %s %% of memory (target >= 50)%n",
                    rounds,
                    Figures.spread(gemm),
                    Figures.spread(bandwidth),
                    Figures.spread(prefillShare),
                    Figures.spread(decodeShare));
            for (int b = 0; b < batches.length; b++) {
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratio[r] = perMin[b][r] / perMin[0][r];
                }
                System.out.printf(
                        Locale.ROOT,
                        "batch %d: %s reports/min of %d tokens, %s x batch %d in the same round%n",
                        batches[b],
                        Figures.spread(perMin[b]),
                        newTokens,
                        Figures.spread(ratio),
                        batches[0]);
            }
            Figures.footer();
        }
    }
}

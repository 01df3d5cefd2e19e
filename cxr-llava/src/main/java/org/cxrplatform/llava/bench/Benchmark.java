package org.cxrplatform.llava.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.model.DecodeSession;
import org.cxrplatform.llava.model.SequenceLayout;

/**
 * Speed of the engine on a medium random model in the published layout, beside the machine's own
 * ceilings (GEMM GFLOP/s and memory bandwidth measured with the same engine).
 *
 * <pre>java -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.Benchmark [--model DIR] [--new-tokens N]
 *     [--threads N] [--quick]</pre>
 */
public final class Benchmark {

  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    Path modelDir = null;
    int newTokens = 64;
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> modelDir = Path.of(args[++i]);
        case "--new-tokens" -> newTokens = Integer.parseInt(args[++i]);
        case "--quick" -> quick = true;
        // PyTorch intra-op threads; must be set before the engine starts
        case "--threads" -> System.setProperty("ai.djl.pytorch.num_threads", args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    System.out.printf("cores %d, max heap %d MiB, load average at start: %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, loadAverage());
    System.out.printf("PyTorch intra-op threads: %s%n", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
    double gemmGflops = gemmGflops();
    double bandwidthGbs = bandwidthGbs();
    System.out.printf("ceiling: GEMM %.1f GFLOP/s (fp32, 1024x1024x2816), memory %.1f GB/s (sum over 512 MiB)%n",
        gemmGflops, bandwidthGbs);

    if (modelDir == null) {
      modelDir = Files.createTempDirectory("cxr-llava-medium-");
      long t = System.nanoTime();
      RandomCheckpoint.write(modelDir, RandomCheckpoint.Spec.medium(), 1);
      System.out.printf("wrote random medium model to %s in %d ms%n", modelDir, ms(t));
    }
    long t0 = System.nanoTime();
    try (CxrLlava llava = CxrLlava.load(modelDir, RuntimeOptions.cpu())) {
      System.out.printf("load %d ms: %s%n", ms(t0), llava.info());
      CxrLlavaConfig c = llava.config();
      long layerParams = (long) c.layers() * (2L * c.hiddenSize() * c.hiddenSize()
          + 2L * c.hiddenSize() * c.kvHeads() * c.headDim() + 3L * c.hiddenSize() * c.intermediateSize());
      long headParams = (long) c.vocabSize() * c.hiddenSize();
      Random rnd = new Random(3);

      for (int batch : new int[] {1, 4}) {
        NativeOps.Count ops = opsPerDecodeStep(llava, batch, rnd);
        System.out.printf("native operator calls per decode step, batch %d: %d (%s)%n", batch, ops.calls(),
            ops.summary(12));
      }

      // vision encoder
      float[] pixels = new float[c.imageSize() * c.imageSize()];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) rnd.nextGaussian();
      }
      llava.model().encodeImages(List.of(pixels)); // warm-up
      int reps = quick ? 1 : 3;
      long tv = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        llava.model().encodeImages(List.of(pixels));
      }
      System.out.printf("vision encode: %.1f ms/image (%d image tokens)%n", ms(tv) / (double) reps, c.imageTokens());

      // prefill of a report prompt: image tokens + ~90 text tokens
      int prefillLen = c.imageTokens() + 90;
      double prefillS = prefillSeconds(llava, prefillLen, rnd);
      double prefillFlops = 2.0 * layerParams * prefillLen + 2.0 * headParams
          + 4.0 * c.layers() * (double) prefillLen * prefillLen * c.hiddenSize();
      double prefillGflops = prefillFlops / prefillS / 1e9;
      System.out.printf("prefill %d tokens: %.0f ms, %.0f tokens/s, %.1f GFLOP/s = %.0f%% of GEMM roofline%n",
          prefillLen, prefillS * 1000, prefillLen / prefillS, prefillGflops, 100 * prefillGflops / gemmGflops);

      // decode at two context lengths, steps interleaved so that other processes' bursts hit both alike
      int[] contexts = {128, 1024};
      double[] decodeMs = decodeMsPerToken(llava, contexts, quick ? 8 : 32, rnd);
      for (int k = 0; k < 2; k++) {
        int ctx = contexts[k];
        double bytes = 4.0 * (layerParams + headParams) + 2.0 * 4 * c.layers() * ctx * c.kvHeads() * c.headDim();
        double gbs = bytes / (decodeMs[k] / 1000) / 1e9;
        System.out.printf("decode at context %d: %.2f ms/token median (%.1f tokens/s), %.1f GB/s = %.0f%% of memory roofline%n",
            ctx, decodeMs[k], 1000 / decodeMs[k], gbs, 100 * gbs / bandwidthGbs);
      }
      System.out.printf("decode(1024) / decode(128) = %.2f (target ≤ 1.2)%n", decodeMs[1] / decodeMs[0]);

      // end-to-end reports per minute at batch 1, 4, 8
      llava.generate(List.of(GenerationRequest.report(randomImage(600, 520, rnd))),
          GenerationOptions.greedy().withMaxNewTokens(4), null); // warm-up of the whole path
      double perMin1 = 0;
      for (int batch : quick ? new int[] {1, 4} : new int[] {1, 4, 8}) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          requests.add(GenerationRequest.report(randomImage(600, 520, rnd)));
        }
        GenerationOptions opts = GenerationOptions.greedy().withMaxNewTokens(newTokens);
        long tb = System.nanoTime();
        llava.generate(requests, opts, null);
        double s = ms(tb) / 1000.0;
        double perMin = batch * 60 / s;
        if (batch == 1) {
          perMin1 = perMin;
        }
        System.out.printf("batch %d: %.1f s for %d reports of %d tokens = %.1f reports/min (%.2fx batch 1)%n",
            batch, s, batch, newTokens, perMin, perMin / perMin1);
      }
      System.out.printf("load average at end: %s%n", loadAverage());
    }
  }

  private static double prefillSeconds(CxrLlava llava, int len, Random rnd) {
    CxrLlavaConfig c = llava.config();
    float[] emb = randomEmbeddings(len * c.hiddenSize(), rnd);
    double best = Double.MAX_VALUE;
    for (int rep = 0; rep < 2; rep++) {
      try (DecodeSession s = llava.model().newSession(new SequenceLayout(new int[] {0}), len + 1, true)) {
        long t = System.nanoTime();
        s.prefill(emb, len, false);
        best = Math.min(best, (System.nanoTime() - t) / 1e9);
      }
    }
    return best;
  }

  /** Median ms of one decode step after prompts of each context length (median: robust to other processes' bursts). */
  private static double[] decodeMsPerToken(CxrLlava llava, int[] contexts, int steps, Random rnd) {
    int d = llava.config().hiddenSize();
    DecodeSession[] sessions = new DecodeSession[contexts.length];
    try {
      for (int k = 0; k < contexts.length; k++) {
        sessions[k] = llava.model().newSession(new SequenceLayout(new int[] {0}), contexts[k] + steps + 4, true);
        sessions[k].prefill(randomEmbeddings(contexts[k] * d, rnd), contexts[k], false);
      }
      float[] step = randomEmbeddings(d, rnd);
      double[][] ms = new double[contexts.length][steps];
      for (int i = -2; i < steps; i++) { // two warm-up steps
        for (int k = 0; k < contexts.length; k++) {
          long t = System.nanoTime();
          sessions[k].step(step);
          if (i >= 0) {
            ms[k][i] = (System.nanoTime() - t) / 1e6;
          }
        }
      }
      double[] median = new double[contexts.length];
      for (int k = 0; k < contexts.length; k++) {
        java.util.Arrays.sort(ms[k]);
        median[k] = ms[k][steps / 2];
      }
      return median;
    } finally {
      for (DecodeSession s : sessions) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  /** Top-level libtorch operator calls of one decode step (mean of 4 steps after 2 warm-up steps). */
  private static NativeOps.Count opsPerDecodeStep(CxrLlava llava, int batch, Random rnd) {
    int d = llava.config().hiddenSize();
    int context = 64;
    int steps = 4;
    try (DecodeSession s = llava.model().newSession(new SequenceLayout(new int[batch]), context + steps + 2, true)) {
      s.prefill(randomEmbeddings(batch * context * d, rnd), context, false);
      float[] step = randomEmbeddings(batch * d, rnd);
      s.step(step);
      s.step(step);
      return NativeOps.count(false, () -> {
        for (int i = 0; i < steps; i++) {
          s.step(step);
        }
      }).per(steps);
    }
  }

  private static float[] randomEmbeddings(int n, Random rnd) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextGaussian() * 0.02);
    }
    return v;
  }

  private static BufferedImage randomImage(int w, int h, Random rnd) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, (x * 7 + y * 3 + rnd.nextInt(40)) & 0xff);
      }
    }
    return img;
  }

  /** fp32 GEMM throughput of the engine on a decoder-sized product (best of several). */
  static double gemmGflops() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.randomNormal(new Shape(1024, 1024));
      NDArray b = m.randomNormal(new Shape(1024, 2816));
      a.matMul(b).close();
      double best = Double.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        long t = System.nanoTime();
        NDArray c = a.matMul(b);
        c.toFloatArray(); // forces completion
        best = Math.min(best, (System.nanoTime() - t) / 1e9);
        c.close();
      }
      return 2.0 * 1024 * 1024 * 2816 / best / 1e9;
    }
  }

  /** Read bandwidth of the engine: sum over a 512 MiB float array (best of several). */
  static double bandwidthGbs() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      long n = 128L * 1024 * 1024;
      NDArray a = m.ones(new Shape(n));
      a.sum().close();
      double best = Double.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        long t = System.nanoTime();
        NDArray s = a.sum();
        s.toFloatArray();
        best = Math.min(best, (System.nanoTime() - t) / 1e9);
        s.close();
      }
      return n * 4.0 / best / 1e9;
    }
  }

  /** /proc/loadavg: other processes share these cores, which the figures must be read against. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000L;
  }
}

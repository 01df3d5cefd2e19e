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
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.RequestHandle;
import org.cxrplatform.llava.generate.PromptEncoder;
import org.cxrplatform.llava.model.Transfers;

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
        DecodeStep d = decodeStep(llava, batch, quick ? 8 : 32, rnd);
        System.out.printf("decode step, batch %d, context %d: %.2f ms median; native operator calls %d, %d of them "
                + "computing, the rest views (%s); transfers per step: %d up (%d B), %d down (%d B)%n", batch,
            d.context(), d.medianMs(), d.ops().calls(), d.ops().computing(), d.ops().summary(12),
            d.transfers().uploads(), d.transfers().uploadBytes(), d.transfers().downloads(),
            d.transfers().downloadBytes());
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

      // prefill of a report prompt in one pass (image tokens + the report question)
      PromptEncoder.Prepared report = llava.prompts().prepare(GenerationRequest.report(randomImage(600, 520, rnd)));
      int prefillLen = llava.prompts().sequenceLength(report.inputIds());
      double prefillS = Double.MAX_VALUE;
      for (int rep = 0; rep < 2; rep++) {
        long t = System.nanoTime();
        llava.model().prefill(report.inputIds(), report.pixelValues());
        prefillS = Math.min(prefillS, (System.nanoTime() - t) / 1e9);
      }
      double prefillFlops = 2.0 * layerParams * prefillLen + 2.0 * headParams
          + 4.0 * c.layers() * (double) prefillLen * prefillLen * c.hiddenSize();
      double prefillGflops = prefillFlops / prefillS / 1e9;
      System.out.printf("prefill %d tokens (vision included): %.0f ms, %.0f tokens/s, %.1f GFLOP/s = %.0f%% of GEMM roofline%n",
          prefillLen, prefillS * 1000, prefillLen / prefillS, prefillGflops, 100 * prefillGflops / gemmGflops);

      // decode after a report prompt, batch 1
      DecodeStep one = decodeStep(llava, 1, quick ? 8 : 32, rnd);
      double bytes = 4.0 * (layerParams + headParams) + 2.0 * 4 * c.layers() * one.context() * c.kvHeads() * c.headDim();
      double gbs = bytes / (one.medianMs() / 1000) / 1e9;
      System.out.printf("decode at context %d: %.2f ms/token median (%.1f tokens/s), %.1f GB/s = %.0f%% of memory roofline%n",
          one.context(), one.medianMs(), 1000 / one.medianMs(), gbs, 100 * gbs / bandwidthGbs);

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

  /** A decode step's median time, operator calls and transfers, with every sequence decoding (none prefilling). */
  private record DecodeStep(int context, double medianMs, NativeOps.Count ops, Transfers.Counts transfers) {}

  private static DecodeStep decodeStep(CxrLlava llava, int batch, int steps, Random rnd) {
    Engine engine = llava.engine();
    List<RequestHandle> handles = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      handles.add(engine.submit(GenerationRequest.report(randomImage(600, 520, rnd)),
          GenerationOptions.greedy().withMaxNewTokens(steps + 16), 0, null));
    }
    while (engine.occupancy().running() < batch || engine.occupancy().prefilling() > 0) {
      engine.step();
    }
    engine.step(); // one warm-up step of the steady state
    int context = llava.prompts().sequenceLength(llava.prompts()
        .prepare(GenerationRequest.report(randomImage(600, 520, rnd))).inputIds()) + 2;
    double[] ms = new double[steps];
    for (int i = 0; i < steps; i++) {
      engine.step();
      ms[i] = engine.lastStep().nanos() / 1e6;
    }
    Transfers.Counts transfers = engine.lastStep().transfers();
    NativeOps.Count ops = NativeOps.count(false, () -> {
      for (int i = 0; i < 4; i++) {
        engine.step();
      }
    }).per(4);
    handles.forEach(RequestHandle::cancel);
    while (engine.step()) {
      // drain the cancellations
    }
    java.util.Arrays.sort(ms);
    return new DecodeStep(context, ms[steps / 2], ops, transfers);
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

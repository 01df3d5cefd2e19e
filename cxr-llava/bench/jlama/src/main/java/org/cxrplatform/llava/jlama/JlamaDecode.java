package org.cxrplatform.llava.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Jlama's decode of the same weights, timed like ours: {@code context} prompt positions prefilled,
 * then {@code steps} untimed and {@code steps} timed single-token forward passes, each with its logits
 * and argmax (what our engine's decode step computes), the median of the timed ones printed as one
 * RESULT line.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... org.cxrplatform.llava.jlama.JlamaDecode LLAMA_DIR THREADS
 *     CONTEXT STEPS</pre>
 */
public final class JlamaDecode {

  private JlamaDecode() {}

  public static void main(String[] args) throws Exception {
    File dir = new File(args[0]);
    int threads = Integer.parseInt(args[1]);
    int context = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    PhysicalCoreExecutor.overrideThreadCount(threads);
    AbstractModel model = ModelSupport.loadModel(dir, DType.F32, DType.F32); // fp32 activations, no quantisation
    int vocab = model.getConfig().vocabularySize;
    Random random = new Random(7);
    int[] prompt = new int[context];
    for (int i = 0; i < context; i++) {
      prompt[i] = 3 + random.nextInt(vocab - 3);
    }
    try (KvBufferCache cache = new KvBufferCache(model)) {
      KvBufferCache.KvBuffer kv = cache.getKvBuffer(UUID.randomUUID());
      // batchForward runs the prompt in chunks and returns the last chunk's rows only
      AbstractTensor last = model.batchForward(prompt, 0, kv);
      int token = argmax(model.getLogits(last.slice(last.shape().first() - 1)));
      for (int i = 0; i < steps; i++) { // warm-up, as on our side: the timed steps are the second run
        AbstractTensor out = model.forward(token, context + i, kv, Optional.empty());
        token = argmax(model.getLogits(out));
        out.close();
      }
      double[] ms = new double[steps];
      for (int i = 0; i < steps; i++) {
        long t = System.nanoTime();
        AbstractTensor out = model.forward(token, context + steps + i, kv, Optional.empty());
        token = argmax(model.getLogits(out));
        ms[i] = (System.nanoTime() - t) / 1e6;
        out.close();
      }
      Arrays.sort(ms);
      String weights = model.getWeights().getModelDType().name();
      System.out.printf(Locale.ROOT, "RESULT jlama %s threads=%d context=%d median_ms=%.2f load=%s%n",
          weights.toLowerCase(Locale.ROOT), threads, context, ms[steps / 2], load());
    }
    System.exit(0); // Jlama's executor threads are not daemons
  }

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  private static String load() throws Exception {
    String all = Files.readString(Path.of("/proc/loadavg")).trim();
    return all.substring(0, all.indexOf(' '));
  }
}

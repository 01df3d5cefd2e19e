package org.cxrplatform.llava.generate;

import java.util.Arrays;
import java.util.Random;

/** Picks the next token of one row: argmax, or temperature + top-p with the row's own random stream. */
public final class Sampler {

  private final float temperature;
  private final float topP;
  private final Random random;

  public Sampler(float temperature, float topP, long seed) {
    this.temperature = temperature;
    this.topP = topP;
    this.random = new Random(seed);
  }

  public int next(float[] logits) {
    return temperature == 0f ? argmax(logits) : sample(logits);
  }

  /** First index of the largest logit (as torch.argmax). */
  public static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  /** softmax(logits / T), keep the smallest most-likely set reaching top_p (at least one), renormalise, draw. */
  private int sample(float[] logits) {
    int v = logits.length;
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l / temperature);
    }
    double[] p = new double[v];
    double sum = 0;
    for (int i = 0; i < v; i++) {
      p[i] = Math.exp(logits[i] / temperature - max);
      sum += p[i];
    }
    Integer[] order = new Integer[v];
    for (int i = 0; i < v; i++) {
      order[i] = i;
      p[i] /= sum;
    }
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
    double cumulative = 0;
    int keep = 0;
    while (keep < v) {
      cumulative += p[order[keep]];
      keep++;
      if (cumulative >= topP) {
        break;
      }
    }
    double r = random.nextDouble() * cumulative;
    double acc = 0;
    for (int i = 0; i < keep; i++) {
      acc += p[order[i]];
      if (r < acc) {
        return order[i];
      }
    }
    return order[keep - 1];
  }
}

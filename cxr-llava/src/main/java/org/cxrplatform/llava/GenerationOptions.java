package org.cxrplatform.llava;

/**
 * Decoding settings.
 *
 * @param maxNewTokens at most this many new tokens; ≤ 0 means the reference's
 *     {@code min(512, 2048 - prompt length - 1)} (prompt length counts the image tokens); never
 *     more than {@code max_position_embeddings - prompt length}
 * @param temperature 0 = greedy (argmax); otherwise logits / temperature, then top-p
 * @param topP nucleus size in (0, 1]; ignored when greedy
 * @param seed seeds each row's own random stream, so a row samples the same alone or in a batch
 * @param useKvCache false recomputes the whole sequence every step (slow; for parity checks)
 */
public record GenerationOptions(int maxNewTokens, float temperature, float topP, long seed, boolean useKvCache) {

  public GenerationOptions {
    if (temperature < 0 || Float.isNaN(temperature)) {
      throw new IllegalArgumentException("temperature must be ≥ 0, got " + temperature);
    }
    if (temperature > 0 && !(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
    }
  }

  public GenerationOptions(int maxNewTokens, float temperature, float topP, long seed) {
    this(maxNewTokens, temperature, topP, seed, true);
  }

  public static GenerationOptions greedy() {
    return new GenerationOptions(0, 0f, 1f, 0L, true);
  }

  /** The reference's sampling defaults for reports: temperature 0.2, top_p 0.8. */
  public static GenerationOptions referenceSampling(long seed) {
    return new GenerationOptions(0, 0.2f, 0.8f, seed, true);
  }

  public GenerationOptions withMaxNewTokens(int n) {
    return new GenerationOptions(n, temperature, topP, seed, useKvCache);
  }

  public GenerationOptions withKvCache(boolean on) {
    return new GenerationOptions(maxNewTokens, temperature, topP, seed, on);
  }

  public boolean greedyDecoding() {
    return temperature == 0f;
  }
}

package org.cxrplatform.llava.engine;

import java.util.Locale;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;

/**
 * How many sequences the engine can hold, from a memory figure: each slot's KV cache at full
 * capacity (allocated once) plus the activations of the largest step (the one-token rows of every
 * slot and a full prefill chunk, its image encoded in the same step). Computed once at start-up;
 * admission is then a free slot, which this budget guarantees fits.
 *
 * @param source          where {@code availableBytes} came from (configured, GPU free memory, CPU default)
 * @param availableBytes  memory the engine may use beyond the weights
 * @param kvBytesPerSlot  keys and values of one sequence at full capacity
 * @param activationBytes peak temporaries of one step, with a 25 % margin
 * @param slots           sequences that fit, capped at the configured maximum
 * @param capacity        positions per sequence
 */
public record MemoryBudget(String source, long availableBytes, long kvBytesPerSlot, long activationBytes, int slots,
    int capacity) {

  /**
   * The budget of a model in a compute dtype of {@code dtypeBytes} bytes per value.
   *
   * @throws IllegalStateException when not even one sequence fits, naming what would
   */
  public static MemoryBudget plan(CxrLlavaConfig c, int dtypeBytes, int maxSlots, int capacity, int prefillChunk,
      long availableBytes, String source) {
    long kvPerSlot = 2L * c.layers() * c.kvHeads() * c.headDim() * capacity * dtypeBytes;
    long activations = activationBytes(c, dtypeBytes, maxSlots, capacity, prefillChunk);
    long fit = (availableBytes - activations) / kvPerSlot;
    if (fit < 1) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "memory budget: %s available (%s) holds no sequence of %d positions: one needs %s of KV cache plus %s of "
              + "activations; lower the capacity or the prefill chunk, or give the engine more memory",
          mib(availableBytes), source, capacity, mib(kvPerSlot), mib(activations)));
    }
    return new MemoryBudget(source, availableBytes, kvPerSlot, activations, (int) Math.min(maxSlots, fit), capacity);
  }

  /**
   * Peak temporaries of one step, ×1.25: N = slots + chunk rows through a layer (x, residual, norm,
   * fused q/k/v and its rotated copy, gate/up and their product); attention scores and probabilities in
   * float32 over the full capacity for every row; logits and the sampler's sorted copies for every
   * slot; the vision encoder on the step's images (activations and bidirectional attention).
   */
  static long activationBytes(CxrLlavaConfig c, int dtypeBytes, int maxSlots, int capacity, int prefillChunk) {
    long rows = (long) maxSlots + prefillChunk;
    long qkv = (long) (c.heads() + 2 * c.kvHeads()) * c.headDim();
    long layer = rows * (3L * c.hiddenSize() + 2 * qkv + 3L * c.intermediateSize()) * dtypeBytes;
    long attention = 3L * 4 * c.heads() * (long) capacity * rows;
    long sampling = (long) maxSlots * c.vocabSize() * 32;
    long images = Math.max(1, prefillChunk / Math.max(1, c.imageTokens()));
    long visionTokens = c.imageTokens() + 1L;
    long vision = images * (visionTokens * (4L * c.visionWidth() + 2L * c.visionMlpWidth()) * dtypeBytes
        + 2L * 4 * c.visionHeads() * visionTokens * visionTokens);
    return (layer + attention + sampling + vision) * 5 / 4;
  }

  /** One line for the start-up log. */
  public String describe() {
    return String.format(Locale.ROOT, "%d slots × %d positions: KV %s per slot, activations %s, of %s (%s)",
        slots, capacity, mib(kvBytesPerSlot), mib(activationBytes), mib(availableBytes), source);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}

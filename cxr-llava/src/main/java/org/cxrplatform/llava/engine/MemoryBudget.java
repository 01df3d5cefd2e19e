package org.cxrplatform.llava.engine;

import java.util.Locale;
import org.cxrplatform.llava.SetupException;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;

/**
 * Whether the configured sequences fit a memory figure: each slot's KV cache at full capacity
 * (allocated once) plus the activations of the largest step (the one-token rows of every slot and a
 * full prefill chunk, its image encoded in the same step) and the transient float32 copy of one
 * projection weight that such a step makes when the weights are narrower than the compute dtype (fp16
 * on a CPU). Computed once at start-up; admission is then a free slot, which this budget guarantees
 * fits. Too little memory for the configured slots is refused at start-up rather than run with fewer:
 * the batch a deployment is sized for is a promise.
 *
 * @param source          where {@code availableBytes} came from (configured, GPU free memory, CPU default)
 * @param availableBytes  memory the engine may use beyond the weights
 * @param kvBytesPerSlot  keys and values of one sequence at full capacity
 * @param activationBytes peak temporaries of one step, with a 25 % margin, and {@code widenedWeightBytes}
 * @param widenedWeightBytes the largest float32 copy of a projection weight a step makes and frees (0: none)
 * @param slots           the configured sequences, all of which fit
 * @param capacity        positions per sequence
 */
public record MemoryBudget(
        String source,
        long availableBytes,
        long kvBytesPerSlot,
        long activationBytes,
        long widenedWeightBytes,
        int slots,
        int capacity) {

    /**
     * The budget of a model in a compute dtype of {@code dtypeBytes} bytes per value, whose largest step
     * widens a copy of {@code widenedWeightBytes} (the model's {@code widenedWeightBytes}).
     *
     * @throws SetupException when fewer than {@code maxSlots} sequences of {@code capacity} positions fit,
     *     in one line naming how many do, the largest capacity at which {@code maxSlots} would, and the sizes
     */
    public static MemoryBudget plan(
            CxrLlavaConfig c,
            int dtypeBytes,
            long widenedWeightBytes,
            int maxSlots,
            int capacity,
            int prefillChunk,
            long availableBytes,
            String source) {
        long kvPerSlot = kvBytesPerSlot(c, dtypeBytes, capacity);
        long activations = activationBytes(c, dtypeBytes, widenedWeightBytes, maxSlots, capacity, prefillChunk);
        long fit = Math.max(0, (availableBytes - activations) / kvPerSlot);
        if (fit < maxSlots) {
            int fitting = largestCapacity(
                    c, dtypeBytes, widenedWeightBytes, maxSlots, capacity, prefillChunk, availableBytes);
            throw new SetupException(String.format(
                    Locale.ROOT,
                    "memory budget: %s available (%s) holds %d sequence(s) of %d positions, %d configured (KV cache %s per "
                            + "sequence, activations %s): configure at most %d slot(s)%s, or give the engine more memory",
                    mib(availableBytes),
                    source,
                    fit,
                    capacity,
                    maxSlots,
                    mib(kvPerSlot),
                    mib(activations),
                    Math.max(1, fit),
                    fitting > 0 ? " or at most " + fitting + " positions" : ""));
        }
        return new MemoryBudget(source, availableBytes, kvPerSlot, activations, widenedWeightBytes, maxSlots, capacity);
    }

    /** The most sequences of {@code capacity} positions that {@code availableBytes} holds (0 when none). */
    public static int maxSlots(
            CxrLlavaConfig c,
            int dtypeBytes,
            long widenedWeightBytes,
            int capacity,
            int prefillChunk,
            long availableBytes) {
        int n = 0;
        while (activationBytes(c, dtypeBytes, widenedWeightBytes, n + 1, capacity, prefillChunk)
                        + (n + 1) * kvBytesPerSlot(c, dtypeBytes, capacity)
                <= availableBytes) {
            n++;
        }
        return n;
    }

    static long kvBytesPerSlot(CxrLlavaConfig c, int dtypeBytes, int capacity) {
        return 2L * c.layers() * c.kvHeads() * c.headDim() * capacity * dtypeBytes;
    }

    /** The largest multiple of 64 positions below {@code capacity} at which {@code slots} sequences fit, or 0. */
    private static int largestCapacity(
            CxrLlavaConfig c,
            int dtypeBytes,
            long widenedWeightBytes,
            int slots,
            int capacity,
            int prefillChunk,
            long availableBytes) {
        for (int p = (capacity - 1) / 64 * 64; p >= 64; p -= 64) {
            if (activationBytes(c, dtypeBytes, widenedWeightBytes, slots, p, prefillChunk)
                            + slots * kvBytesPerSlot(c, dtypeBytes, p)
                    <= availableBytes) {
                return p;
            }
        }
        return 0;
    }

    /**
     * Peak temporaries of one step, ×1.25: N = slots + chunk rows through a layer (x, residual, norm,
     * fused q/k/v and its rotated copy, gate/up and their product); attention scores and probabilities in
     * float32 over the full capacity for every row; logits and the sampler's sorted copies for every
     * slot; the vision encoder on the step's images (activations and bidirectional attention); then the
     * widened weight, an exact figure.
     */
    static long activationBytes(
            CxrLlavaConfig c, int dtypeBytes, long widenedWeightBytes, int maxSlots, int capacity, int prefillChunk) {
        long rows = (long) maxSlots + prefillChunk;
        long qkv = (long) (c.heads() + 2 * c.kvHeads()) * c.headDim();
        long layer = rows * (3L * c.hiddenSize() + 2 * qkv + 3L * c.intermediateSize()) * dtypeBytes;
        long attention = 3L * 4 * c.heads() * (long) capacity * rows;
        long sampling = (long) maxSlots * c.vocabSize() * 32;
        long images = Math.max(1, prefillChunk / Math.max(1, c.imageTokens()));
        long visionTokens = c.imageTokens() + 1L;
        long vision = images
                * (visionTokens * (4L * c.visionWidth() + 2L * c.visionMlpWidth()) * dtypeBytes
                        + 2L * 4 * c.visionHeads() * visionTokens * visionTokens);
        return (layer + attention + sampling + vision) * 5 / 4 + widenedWeightBytes;
    }

    /** One line for the start-up log. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%d slots × %d positions: KV %s per slot, activations %s (a widened weight %s), of %s (%s)",
                slots,
                capacity,
                mib(kvBytesPerSlot),
                mib(activationBytes),
                mib(widenedWeightBytes),
                mib(availableBytes),
                source);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}

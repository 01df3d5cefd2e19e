package org.cxrplatform.llava.engine;

/**
 * How the engine batches and how much memory it may take. The KV cache is sized once, when the
 * engine starts, by the {@link MemoryBudget} computed from these.
 *
 * @param maxSlots      sequences decoded together at most; the engine refuses to start when the memory
 *                      budget holds fewer (a {@link org.cxrplatform.llava.SetupException} naming the fix)
 * @param capacity      positions per sequence (prompt + new tokens); 0 = min(2048, the model's
 *                      max_position_embeddings), the reference's own limit
 * @param prefillChunk  prompt positions prefilled per step, over all admitting sequences: a long prompt
 *                      is prefilled in pieces of at most this many positions, so running sequences keep
 *                      getting a token every step; new requests are admitted at most as many per step as
 *                      their prompts fit in one chunk (at least one)
 * @param memoryBytes   bytes for the KV cache and one step's activations; 0 = automatic: on a GPU 90 %
 *                      of the device's free memory once the weights are loaded, on the CPU
 *                      {@value #CPU_DEFAULT_MEMORY_BYTES} bytes (4 GiB)
 * @param reservedSlots slots only priority-0 requests may take: an urgent request is admitted at the
 *                      next step even while lower-priority work keeps every other slot busy
 */
public record EngineConfig(int maxSlots, int capacity, int prefillChunk, long memoryBytes, int reservedSlots) {

    public static final long CPU_DEFAULT_MEMORY_BYTES = 4L << 30;

    public EngineConfig {
        if (maxSlots < 1) {
            throw new IllegalArgumentException("maxSlots must be ≥ 1, got " + maxSlots);
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be ≥ 0 (0 = automatic), got " + capacity);
        }
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be ≥ 1, got " + prefillChunk);
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes must be ≥ 0 (0 = automatic), got " + memoryBytes);
        }
        if (reservedSlots < 0 || reservedSlots >= maxSlots) {
            throw new IllegalArgumentException("reservedSlots must be in [0, maxSlots), got " + reservedSlots);
        }
    }

    /**
     * 16 slots (the inference service's routine batch), the reference's 2,048 positions, 256-position
     * prefill chunks, automatic memory, no reserved slots.
     */
    public static EngineConfig defaults() {
        return new EngineConfig(16, 0, 256, 0, 0);
    }

    public EngineConfig withMaxSlots(int n) {
        return new EngineConfig(n, capacity, prefillChunk, memoryBytes, reservedSlots);
    }

    public EngineConfig withCapacity(int n) {
        return new EngineConfig(maxSlots, n, prefillChunk, memoryBytes, reservedSlots);
    }

    public EngineConfig withPrefillChunk(int n) {
        return new EngineConfig(maxSlots, capacity, n, memoryBytes, reservedSlots);
    }

    public EngineConfig withMemoryBytes(long n) {
        return new EngineConfig(maxSlots, capacity, prefillChunk, n, reservedSlots);
    }

    public EngineConfig withReservedSlots(int n) {
        return new EngineConfig(maxSlots, capacity, prefillChunk, memoryBytes, n);
    }
}

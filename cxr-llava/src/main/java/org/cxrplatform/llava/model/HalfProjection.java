package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;

/**
 * An fp16 weight on a CPU, applied to float32 activations: x [N,in] → [N,out] in float32.
 *
 * <p>Stored as the checkpoint has it, [out,in], as one block, because libtorch's (2.7+) CPU kernel for
 * {@code x·Wᵀ} with an fp16 weight streams it at the memory's speed with every intra-op thread, for
 * each row of x: a decode step reads half the bytes of fp32. The same weight as {@code x·W} ([in,out])
 * runs 12-23× slower, split into column blocks for a batched product 1.6× slower (BENCHMARKS.md,
 * "Half precision on the CPU"). That kernel reads the whole weight once per row, so above {@value
 * #WIDEN_ABOVE_ROWS} rows on (a prefill chunk) the weight is widened to float32 for the product
 * instead, which keeps prefill near fp32's GEMM rate; the float32 copy is freed as soon as the product
 * is done, so a step holds at most one ({@link #widenedBytes}, counted by the engine's memory budget).
 * Activations, RMSNorm, attention and the KV cache stay float32: fp16 attention is 4-6× slower on the
 * CPU (same benchmark).
 */
final class HalfProjection implements Projection {

    /**
     * Above this many rows the widened float32 product is faster than the fp16 kernel's row-by-row
     * reads: about 70 rows with 1 thread and 160 with 2, estimated from the benchmark's per-row fp16
     * time and the widening's extra cost over fp32 in prefill.
     */
    static final int WIDEN_ABOVE_ROWS = 64;

    private final NDArray weight; // [out,in] fp16

    HalfProjection(NDArray weight) {
        this.weight = weight;
    }

    @Override
    public NDArray apply(NDArray x) {
        if (x.getShape().get(0) > WIDEN_ABOVE_ROWS) {
            try (NDArray wide = weight.toType(DataType.FLOAT32, false)) {
                return Linear.linear(x, wide).singletonOrThrow();
            }
        }
        return Linear.linear(x.toType(DataType.FLOAT16, false), weight)
                .singletonOrThrow()
                .toType(DataType.FLOAT32, false);
    }

    @Override
    public long widenedBytes(long rows) {
        return rows > WIDEN_ABOVE_ROWS ? weight.size() * DataType.FLOAT32.getNumOfBytes() : 0;
    }
}

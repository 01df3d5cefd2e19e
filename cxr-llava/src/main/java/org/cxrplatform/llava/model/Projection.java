package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;

/**
 * A linear layer's weight (q/k/v fused, o, gate/up fused, down, lm_head) applied to x [N,in] → [N,out]
 * in the compute dtype. Stored in the layout whose kernel is fast on the device in the weight's dtype
 * ({@link Tensors#loadProjection}): {@link BlockProjection} on a GPU and for fp32, {@link HalfProjection}
 * for fp16 weights on a CPU.
 */
interface Projection {

    NDArray apply(NDArray x);

    /**
     * Bytes of the transient float32 copy of the weight that {@link #apply} makes for {@code rows} rows and
     * frees after the product (0: none): what a step needs beyond the resident weights.
     */
    long widenedBytes(long rows);
}

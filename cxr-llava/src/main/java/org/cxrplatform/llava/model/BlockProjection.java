package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;

/**
 * A projection in the compute dtype, stored transposed and applied as {@code x·W}, x [N,in] → [N,out]:
 * every projection on a GPU, and on a CPU in fp32.
 *
 * <p>On a CPU with several intra-op threads the weight is stored as {@code blocks} column blocks
 * [blocks, in, out/blocks] and applied as one batched product: libtorch's CPU product of a few rows
 * (every decode step) runs on a single thread whatever the thread setting, while a batched product
 * gives each thread its own block, so every thread streams its share of the weight from memory.
 * Each output column is still one dot product over {@code in}; only which thread computes it changes.
 */
final class BlockProjection implements Projection {

    private final NDArray weight; // [in,out], or [blocks,in,out/blocks]
    private final int blocks;
    private final long out;

    BlockProjection(NDArray weight, int blocks, long out) {
        this.weight = weight;
        this.blocks = blocks;
        this.out = out;
    }

    @Override
    public NDArray apply(NDArray x) {
        if (blocks == 1) {
            return x.matMul(weight); // [N,out]
        }
        long n = x.getShape().get(0);
        long in = x.getShape().get(1);
        return x.expandDims(0)
                .broadcast(blocks, n, in) // [blocks,N,in], a view
                .matMul(weight) // [blocks,N,out/blocks]
                .transpose(1, 0, 2)
                .reshape(n, out); // [N,out]
    }

    @Override
    public long widenedBytes(long rows) {
        return 0; // applied in the weight's own dtype
    }
}

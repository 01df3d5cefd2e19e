package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;

/**
 * A projection in the compute dtype, stored transposed and applied as {@code x·W}, x [N,in] → [N,out]:
 * every projection on a GPU, and on a CPU in fp32.
 *
 * <p>On a CPU with several intra-op threads the weight is stored as {@code blocks} column blocks
 * [blocks, in, out/blocks], each contiguous. A decode step's few rows go through {@link DecodeThreads}:
 * column chunks of the blocks (views), each a product on one Java thread at one intra-op thread, the
 * results concatenated, so every core streams its share of the weight from memory. More rows (a prefill chunk) are one batched product,
 * libtorch giving each intra-op thread its own block. Each output column is still one dot product over
 * {@code in}; only which thread computes it changes.
 */
final class BlockProjection implements Projection {

    private final NDArray weight; // [in,out], or [blocks,in,out/blocks]
    private final int blocks;
    private final long out;
    private final NDArray[] chunks; // views [in, width] of the blocks, in column order
    private final DecodeThreads threads;

    BlockProjection(NDArray weight, int blocks, long out, DecodeThreads threads) {
        this.weight = weight;
        this.blocks = blocks;
        this.out = out;
        this.threads = threads;
        long blockWidth = out / blocks;
        int perBlock = blocks == 1 ? 0 : DecodeThreads.chunksPerBlock(blockWidth);
        long width = blocks == 1 ? 0 : blockWidth / perBlock;
        chunks = new NDArray[blocks * perBlock];
        for (int c = 0; c < chunks.length; c++) {
            long from = c % perBlock * width;
            chunks[c] = weight.get("{}, :, {}:{}", c / perBlock, from, from + width);
        }
    }

    @Override
    public NDArray apply(NDArray x) {
        if (blocks == 1) {
            return x.matMul(weight); // [N,out]
        }
        long n = x.getShape().get(0);
        if (n <= DecodeThreads.MAX_ROWS) {
            return threads.concat(x, chunks, NDArray::matMul); // [N,out]
        }
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

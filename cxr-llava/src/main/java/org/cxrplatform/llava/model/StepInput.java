package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What one forward pass of the decoder computes, every array already on the device: N token rows,
 * first {@code oneTokenRows} rows holding the next token of slots 0..oneTokenRows-1 (row i is slot
 * i), then the {@link Chunk}s, each a run of consecutive positions of one slot (a piece of a prompt).
 * Each row's key/value is written to the cache at (slot, position) before attention, so a row
 * attends to its own slot's earlier positions and to itself.
 *
 * @param embeddings   [N,D] input embeddings in the compute dtype
 * @param positions    [N] int64 position of each row in its sequence (RoPE and cache position)
 * @param slots        [N] int64 cache slot of each row
 * @param oneTokenRows rows 0..oneTokenRows-1 are slots 0..oneTokenRows-1, one token each
 * @param oneTokenKeys keys the one-token rows attend over: positions 0..oneTokenKeys-1 of their
 *                     slots (the largest position + 1); later positions are masked per row
 * @param chunks       the prefill runs after the one-token rows, in row order
 */
public record StepInput(
        NDArray embeddings, NDArray positions, NDArray slots, int oneTokenRows, int oneTokenKeys, List<Chunk> chunks) {

    /** Rows row..row+length-1 are positions start..start+length-1 of {@code slot}. */
    public record Chunk(int row, int slot, int start, int length) {}

    public int rows() {
        int n = oneTokenRows;
        for (Chunk c : chunks) {
            n += c.length();
        }
        return n;
    }
}

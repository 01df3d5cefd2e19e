package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every decoder layer for a fixed number of sequence slots, allocated once at
 * full capacity, [slots, kvHeads, capacity, headDim] per layer, and written in place: a sequence
 * owns one slot from admission to release and nothing is reallocated while the engine runs.
 */
public final class SlotCache implements AutoCloseable {

    private final NDArray[] keys;
    private final NDArray[] values;
    private final int slots;
    private final int capacity;

    SlotCache(NDManager manager, int layers, int slots, int kvHeads, int capacity, int headDim, DataType dtype) {
        this.slots = slots;
        this.capacity = capacity;
        keys = new NDArray[layers];
        values = new NDArray[layers];
        Shape shape = new Shape(slots, kvHeads, capacity, headDim);
        for (int l = 0; l < layers; l++) {
            keys[l] = manager.zeros(shape, dtype);
            values[l] = manager.zeros(shape, dtype);
        }
    }

    /**
     * Stores one token's k and v per row, k/v [N,KV,dh], at the (slot, position) pairs
     * {@code where} = (slots[N], :, positions[N]) names: one index_put per tensor for the whole step.
     */
    void write(int layer, NDIndex where, NDArray k, NDArray v) {
        keys[layer].set(where, k);
        values[layer].set(where, v);
    }

    /** Keys of slots from..to-1, positions 0..length-1: a view [to-from, KV, length, dh]. */
    NDArray keys(int layer, int from, int to, int length) {
        return keys[layer].get("{}:{}, :, :{}", from, to, length);
    }

    /** Values of slots from..to-1, positions 0..length-1: a view [to-from, KV, length, dh]. */
    NDArray values(int layer, int from, int to, int length) {
        return values[layer].get("{}:{}, :, :{}", from, to, length);
    }

    public int slots() {
        return slots;
    }

    public int capacity() {
        return capacity;
    }

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            keys[l].close();
            values[l].close();
        }
    }
}

package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Keys and values of every decoder layer for one batch, allocated once at their full capacity
 * [B, kvHeads, capacity, headDim] and written in place; nothing is reallocated while decoding.
 */
public final class KvCache implements AutoCloseable {

  private final NDArray[] keys;
  private final NDArray[] values;
  private final int capacity;

  KvCache(NDManager manager, int layers, int batch, int kvHeads, int capacity, int headDim, DataType dtype) {
    this.capacity = capacity;
    keys = new NDArray[layers];
    values = new NDArray[layers];
    for (int l = 0; l < layers; l++) {
      keys[l] = manager.zeros(new ai.djl.ndarray.types.Shape(batch, kvHeads, capacity, headDim), dtype);
      values[l] = manager.zeros(new ai.djl.ndarray.types.Shape(batch, kvHeads, capacity, headDim), dtype);
    }
  }

  /** Stores k, v [B,KV,T,dh] at slots start..start+T-1. */
  void write(int layer, int start, NDArray k, NDArray v) {
    long t = k.getShape().get(2);
    if (start + t > capacity) {
      throw new IllegalStateException("KV cache full: capacity " + capacity + ", writing up to " + (start + t));
    }
    NDIndex slots = new NDIndex(":, :, {}:{}", start, start + t);
    keys[layer].set(slots, k);
    values[layer].set(slots, v);
  }

  /** Keys of slots 0..end-1, [B,KV,end,dh]. */
  NDArray keys(int layer, int end) {
    return keys[layer].get(":, :, :{}", end);
  }

  /** Values of slots 0..end-1, [B,KV,end,dh]. */
  NDArray values(int layer, int end) {
    return values[layer].get(":, :, :{}", end);
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

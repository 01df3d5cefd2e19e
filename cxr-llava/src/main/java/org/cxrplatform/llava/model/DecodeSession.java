package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Prefill then one-token steps for a batch. Not thread-safe; close it to free the cache.
 * Inputs and outputs are Java arrays; native arrays live only inside each call's NDScope.
 */
public final class DecodeSession implements AutoCloseable {

  /** Logits of each row's last slot [B][V]; final-norm hidden states [B*T*D] when asked for. */
  public record Output(float[][] logits, float[] hidden) {}

  private final NDManager manager;
  private final LlamaDecoder decoder;
  private final SequenceLayout layout;
  private final KvCache cache;
  private final int dim;
  private final DataType dtype;
  private float[] history = new float[0]; // without a cache: every slot's embeddings so far, [B][slots][D]
  private int slots;

  DecodeSession(NDManager manager, LlamaDecoder decoder, SequenceLayout layout, KvCache cache, int dim, DataType dtype) {
    this.manager = manager;
    this.decoder = decoder;
    this.layout = layout;
    this.cache = cache;
    this.dim = dim;
    this.dtype = dtype;
  }

  /** Embeddings [B*T*D] (left-padded, row-major) of the whole prompt. */
  public Output prefill(float[] embeddings, int t, boolean keepHidden) {
    if (slots != 0) {
      throw new IllegalStateException("prefill must come first");
    }
    return run(embeddings, t, keepHidden);
  }

  /** One new token per row: embeddings [B*D]. */
  public Output step(float[] embeddings) {
    return run(embeddings, 1, false);
  }

  private Output run(float[] embeddings, int t, boolean keepHidden) {
    int b = layout.batch();
    if (embeddings.length != b * t * dim) {
      throw new IllegalArgumentException("expected " + (b * t * dim) + " embedding values, got " + embeddings.length);
    }
    int start = slots;
    float[] input = embeddings;
    int inputT = t;
    if (cache == null) {
      history = appendSlots(history, slots, embeddings, t);
      input = history;
      inputT = slots + t;
      start = 0;
    }
    try (NDScope scope = new NDScope()) {
      NDArray x = manager.create(input, new Shape(b, inputT, dim));             // [B,T,D]
      if (dtype != DataType.FLOAT32) {
        x = x.toType(dtype, false);
      }
      NDArray hidden = decoder.forward(x, layout, start, cache);               // [B,T,D]
      NDArray logits = decoder.lastLogits(hidden);                             // [B,V]
      float[] flat = logits.toFloatArray();
      int v = (int) logits.getShape().get(1);
      float[][] rows = new float[b][];
      for (int r = 0; r < b; r++) {
        rows[r] = Arrays.copyOfRange(flat, r * v, (r + 1) * v);
      }
      slots += t;
      return new Output(rows, keepHidden ? CxrLlavaModel.toFloats(hidden) : null);
    }
  }

  /** [B][n][D] + [B][t][D] → [B][n+t][D]. */
  private float[] appendSlots(float[] old, int n, float[] add, int t) {
    int b = layout.batch();
    float[] out = new float[b * (n + t) * dim];
    for (int r = 0; r < b; r++) {
      System.arraycopy(old, r * n * dim, out, r * (n + t) * dim, n * dim);
      System.arraycopy(add, r * t * dim, out, (r * (n + t) + n) * dim, t * dim);
    }
    return out;
  }

  public int slots() {
    return slots;
  }

  @Override
  public void close() {
    if (cache != null) {
      cache.close();
    }
    manager.close();
  }
}

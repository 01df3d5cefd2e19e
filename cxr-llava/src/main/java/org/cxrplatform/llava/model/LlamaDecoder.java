package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;

/**
 * LLaMA-2 decoder as transformers' LlamaModel computes it: pre-norm layers of RMSNorm → causal
 * GQA attention with rotate-half RoPE → residual → RMSNorm → SwiGLU → residual, a final norm and
 * lm_head. Works on a left-padded batch ({@link SequenceLayout}) with or without a {@link KvCache}.
 */
final class LlamaDecoder {

  private record Layer(NDArray inNorm, NDArray wq, NDArray wk, NDArray wv, NDArray wo,
      NDArray postNorm, NDArray wGate, NDArray wUp, NDArray wDown) {}

  private final int dim;      // D
  private final int heads;    // H
  private final int kvHeads;  // KV
  private final int headDim;  // dh = D / H
  private final float eps;
  private final float scale; // 1/√dh
  private final float[] invFreq; // [dh/2] theta^(-2i/dh), float32 as transformers computes it
  private final Layer[] layers;
  private final NDArray norm;   // [D]
  private final NDArray lmHead; // [V, D]
  private final DataType dtype;

  LlamaDecoder(CxrLlavaConfig c, Tensors t) {
    dim = c.hiddenSize();
    heads = c.heads();
    kvHeads = c.kvHeads();
    headDim = c.headDim();
    eps = c.rmsNormEps();
    scale = (float) (1.0 / Math.sqrt(headDim));
    dtype = t.dtype();
    invFreq = new float[headDim / 2];
    for (int i = 0; i < invFreq.length; i++) {
      float exponent = (float) (2 * i) / (float) headDim;
      invFreq[i] = (float) (1.0 / (float) Math.pow(c.ropeTheta(), exponent));
    }
    layers = new Layer[c.layers()];
    for (int i = 0; i < layers.length; i++) {
      String p = "llama.layers." + i + ".";
      layers[i] = new Layer(
          t.load(p + "input_layernorm.weight"),
          t.load(p + "self_attn.q_proj.weight"), t.load(p + "self_attn.k_proj.weight"),
          t.load(p + "self_attn.v_proj.weight"), t.load(p + "self_attn.o_proj.weight"),
          t.load(p + "post_attention_layernorm.weight"),
          t.load(p + "mlp.gate_proj.weight"), t.load(p + "mlp.up_proj.weight"), t.load(p + "mlp.down_proj.weight"));
    }
    norm = t.load("llama.norm.weight");
    lmHead = t.load("lm_head.weight");
  }

  KvCache newCache(NDManager manager, int batch, int capacity) {
    return new KvCache(manager, layers.length, batch, kvHeads, capacity, headDim, dtype);
  }

  /**
   * Runs embeddings x [B,T,D] sitting at slots start..start+T-1. With a cache, keys/values of earlier
   * slots come from it and this call's are written into it; without, start must be 0.
   * Returns the final-norm hidden states [B,T,D]. Call inside an NDScope.
   */
  NDArray forward(NDArray x, SequenceLayout layout, int start, KvCache cache) {
    NDManager m = x.getManager();
    int b = layout.batch();
    int t = (int) x.getShape().get(1);
    int end = start + t;
    if (cache == null && start != 0) {
      throw new IllegalArgumentException("without a KV cache the whole sequence is recomputed from slot 0");
    }
    NDArray[] rope = rotaryTables(m, layout, start, t);                        // cos, sin [B,1,T,dh]
    NDArray mask = m.create(layout.mask(start, t, end), new Shape(b, 1, t, end)); // [B,1,T,end] float32
    for (int l = 0; l < layers.length; l++) {
      NDArray in = x;
      int layer = l;
      x = Nn.scoped(() -> layer(in, layer, rope[0], rope[1], mask, start, cache)); // [B,T,D]
      if (l > 0) {
        in.close(); // the previous layer's output; the caller owns the input embeddings
      }
    }
    return Nn.rmsNorm(x, norm, eps);                                                 // [B,T,D]
  }

  /** One decoder layer: x [B,T,D] at slots start..start+T-1 → [B,T,D]. */
  private NDArray layer(NDArray x, int l, NDArray cos, NDArray sin, NDArray mask, int start, KvCache cache) {
    Layer w = layers[l];
    int b = (int) x.getShape().get(0);
    int t = (int) x.getShape().get(1);
    int end = start + t;
    NDArray h = Nn.rmsNorm(x, w.inNorm, eps);                                      // [B,T,D]
    NDArray q = Nn.linear(h, w.wq).reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);   // [B,H,T,dh]
    NDArray k = Nn.linear(h, w.wk).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3); // [B,KV,T,dh]
    NDArray v = Nn.linear(h, w.wv).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3); // [B,KV,T,dh]
    q = applyRope(q, cos, sin);                                                    // [B,H,T,dh]
    k = applyRope(k, cos, sin);                                                    // [B,KV,T,dh]
    if (cache != null) {
      cache.write(l, start, k, v);
      k = cache.keys(l, end);                                                      // [B,KV,end,dh]
      v = cache.values(l, end);                                                    // [B,KV,end,dh]
    }
    k = repeatKv(k);                                                               // [B,H,end,dh]
    v = repeatKv(v);                                                               // [B,H,end,dh]
    NDArray scores = q.mul(scale).matMul(k.transpose(0, 1, 3, 2));                 // [B,H,T,end] q·kᵀ/√dh
    NDArray probs = maskedSoftmax32(scores, mask);                                 // [B,H,T,end]
    NDArray att = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, dim);        // [B,T,D]
    probs.close();
    x = x.add(Nn.linear(att, w.wo));                                               // [B,T,D]
    h = Nn.rmsNorm(x, w.postNorm, eps);                                            // [B,T,D]
    NDArray gate = Nn.silu(Nn.linear(h, w.wGate));                                 // [B,T,F]
    NDArray up = Nn.linear(h, w.wUp);                                              // [B,T,F]
    x = x.add(Nn.linear(gate.mul(up), w.wDown));                                   // [B,T,D]
    return x;
  }

  /** Logits of the last slot of every row: hidden [B,T,D] → [B,V] float32. */
  NDArray lastLogits(NDArray hidden) {
    NDArray last = hidden.get(":, -1, :");                                           // [B,D]
    NDArray logits = Nn.linear(last, lmHead);                                        // [B,V]
    return logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
  }

  /** softmax(scores + mask) in float32, back in the compute dtype. */
  private NDArray maskedSoftmax32(NDArray scores, NDArray mask) {
    if (scores.getDataType() == DataType.FLOAT32) {
      return Nn.maskedSoftmax(scores, mask);
    }
    NDArray probs = Nn.maskedSoftmax(scores.toType(DataType.FLOAT32, false), mask);
    scores.close();
    return probs.toType(dtype, false);
  }

  /** Rotate-half RoPE: (x1·cos − x2·sin, x2·cos + x1·sin) with the frequencies repeated for both halves. */
  private NDArray applyRope(NDArray x, NDArray cos, NDArray sin) {
    int half = headDim / 2;
    NDArray x1 = x.get("..., :{}", half);                                   // [B,h,T,dh/2]
    NDArray x2 = x.get("..., {}:", half);                                   // [B,h,T,dh/2]
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);        // [B,h,T,dh]
    return x.mul(cos).add(rotated.mul(sin));                                // [B,h,T,dh]
  }

  /** GQA: kv head j serves query heads j·rep .. j·rep+rep-1 (transformers' repeat_kv). */
  private NDArray repeatKv(NDArray x) {
    int rep = heads / kvHeads;
    if (rep == 1) {
      return x;
    }
    Shape s = x.getShape();                                                         // [B,KV,T,dh]
    return x.expandDims(2).broadcast(s.get(0), kvHeads, rep, s.get(2), headDim)    // [B,KV,rep,T,dh]
        .reshape(s.get(0), heads, s.get(2), headDim);                               // [B,H,T,dh]
  }

  /** cos and sin [B,1,T,dh] of each row's own positions. */
  private NDArray[] rotaryTables(NDManager m, SequenceLayout layout, int start, int t) {
    int b = layout.batch();
    int half = headDim / 2;
    float[] cos = new float[b * t * headDim];
    float[] sin = new float[b * t * headDim];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < t; i++) {
        float pos = layout.position(r, start + i);
        int base = (r * t + i) * headDim;
        for (int f = 0; f < half; f++) {
          float angle = invFreq[f] * pos;
          float c = (float) Math.cos(angle);
          float s = (float) Math.sin(angle);
          cos[base + f] = c;
          cos[base + f + half] = c;
          sin[base + f] = s;
          sin[base + f + half] = s;
        }
      }
    }
    NDArray cosA = m.create(cos, new Shape(b, 1, t, headDim));
    NDArray sinA = m.create(sin, new Shape(b, 1, t, headDim));
    if (dtype != DataType.FLOAT32) {
      cosA = cosA.toType(dtype, false);
      sinA = sinA.toType(dtype, false);
    }
    return new NDArray[] {cosA, sinA};
  }

  int dim() {
    return dim;
  }
}

package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;

/**
 * LLaMA-2 decoder as transformers' LlamaModel computes it: pre-norm layers of RMSNorm → causal
 * GQA attention with rotate-half RoPE → residual → RMSNorm → SwiGLU → residual, a final norm and
 * lm_head. One forward pass runs a {@link StepInput}: the next token of many sequences and pieces
 * of prompts together, each against its own slot of a {@link SlotCache}.
 *
 * <p>Everything a step needs beyond its inputs is on the device from load time: the fused q/k/v and
 * gate/up weights (one matmul each), the RoPE tables of every position, a position index for the
 * masks, and the scalar constants. Inside the layer loop nothing is read back or copied from Java.
 */
final class LlamaDecoder {

    /** Additive mask value: large and negative instead of -inf, so a fully masked row stays finite. */
    static final float MASKED = -1e9f;

    /**
     * Decode rows whose attention scores hold fewer values than this run their attention on one CPU
     * thread ({@link Nn#onCallingThread}): libtorch's own grain, below which it keeps an element-wise
     * operator on one thread (a decode row of 16 heads over 1,112 keys holds 17,792).
     */
    static final long ONE_THREAD_ATTENTION_BELOW = 32_768;

    /**
     * One layer's weights, projections stored transposed [in, out]: {@code qkv} = q, k, v stacked,
     * {@code gateUp} = gate, up stacked.
     */
    private record Layer(
            NDArray inNorm, Projection qkv, Projection o, NDArray postNorm, Projection gateUp, Projection down) {}

    private final int dim; // D
    private final int heads; // H
    private final int kvHeads; // KV
    private final int headDim; // dh = D / H
    private final int ffn; // F
    private final int layerCount;
    private final Layer[] layers;
    private final NDArray norm; // [D]
    private final Projection lmHead; // [D, V]
    private final NDArray embedding; // [V, D]
    private final NDArray cos; // [P, dh]: cos(pos·f), frequencies repeated for both halves
    private final NDArray sinSigned; // [P, dh]: (−sin, +sin), so rotate_half(x)·sin = cat(x2, x1)·sinSigned
    private final NDArray keyIndex; // [P] int64 0..P-1, for the masks
    private final NDArray eps; // float32 scalar
    private final NDArray scale; // scalar 1/√dh in the compute dtype
    private final NDArray masked; // float32 scalar MASKED
    private final DataType dtype;
    private final boolean cpu;

    LlamaDecoder(CxrLlavaConfig c, Tensors t, NDManager manager) {
        dim = c.hiddenSize();
        heads = c.heads();
        kvHeads = c.kvHeads();
        headDim = c.headDim();
        ffn = c.intermediateSize();
        dtype = t.dtype();
        layerCount = c.layers();
        layers = new Layer[layerCount];
        for (int i = 0; i < layers.length; i++) {
            String p = "llama.layers." + i + ".";
            layers[i] = new Layer(
                    t.load(p + "input_layernorm.weight"),
                    t.loadProjection(
                            p + "self_attn.q_proj.weight",
                            p + "self_attn.k_proj.weight",
                            p + "self_attn.v_proj.weight"),
                    t.loadProjection(p + "self_attn.o_proj.weight"),
                    t.load(p + "post_attention_layernorm.weight"),
                    t.loadProjection(p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight"),
                    t.loadProjection(p + "mlp.down_proj.weight"));
        }
        norm = t.load("llama.norm.weight");
        lmHead = t.loadProjection("lm_head.weight");
        embedding = t.load("llama.embed_tokens.weight");
        NDArray[] rope = ropeTables(t, c.maxPositionEmbeddings(), (float) c.ropeTheta());
        cos = rope[0];
        sinSigned = rope[1];
        keyIndex = manager.arange(0, c.maxPositionEmbeddings(), 1, DataType.INT64);
        eps = manager.create(c.rmsNormEps());
        scale = t.constant(new float[] {(float) (1.0 / Math.sqrt(headDim))}, new Shape());
        masked = manager.create(MASKED);
        cpu = !manager.getDevice().isGpu();
    }

    /**
     * cos and signed sin of every position, float32 math as transformers does it
     * ({@code inv_freq[i] = theta^(-2i/dh)}, angle = inv_freq · pos), in the compute dtype.
     */
    private NDArray[] ropeTables(Tensors t, int positions, float theta) {
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            invFreq[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        float[] cosT = new float[positions * headDim];
        float[] sinT = new float[positions * headDim];
        for (int p = 0; p < positions; p++) {
            for (int f = 0; f < half; f++) {
                float angle = invFreq[f] * (float) p;
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cosT[p * headDim + f] = c;
                cosT[p * headDim + f + half] = c;
                sinT[p * headDim + f] = -s;
                sinT[p * headDim + f + half] = s;
            }
        }
        Shape shape = new Shape(positions, headDim);
        return new NDArray[] {t.constant(cosT, shape), t.constant(sinT, shape)};
    }

    SlotCache newCache(NDManager manager, int slots, int capacity) {
        return new SlotCache(manager, layerCount, slots, kvHeads, capacity, headDim, dtype);
    }

    /** Token embeddings of ids [n] int64 on the device → [n,D]. */
    NDArray embed(NDArray ids) {
        return embedding.get(new NDIndex("{}", ids));
    }

    /**
     * Runs the step's rows through every layer, writing their keys/values into {@code cache}.
     * Returns the last layer's hidden states [N,D] (before the final norm). Call inside an NDScope.
     */
    NDArray forward(StepInput in, SlotCache cache) {
        int n = in.rows();
        Step step = new Step(
                n,
                cos.get(new NDIndex("{}", in.positions())).expandDims(1), // [N,1,dh]
                sinSigned.get(new NDIndex("{}", in.positions())).expandDims(1), // [N,1,dh]
                new NDIndex("{}, :, {}", in.slots(), in.positions()), // cache (slot, position) of each row
                in.oneTokenRows() > 0 ? oneTokenMask(in) : null,
                new ArrayList<>());
        for (StepInput.Chunk c : in.chunks()) {
            int keys = c.start() + c.length();
            step.chunkMasks()
                    .add(mask(in.positions().get("{}:{}", c.row(), c.row() + c.length()), keys)
                            .reshape(1, 1, c.length(), keys)); // [1,1,c,keys]
        }
        NDArray x = in.embeddings();
        for (int l = 0; l < layerCount; l++) {
            NDArray layerIn = x;
            int layer = l;
            x = Nn.scoped(() -> layer(layerIn, layer, in, step, cache)); // [N,D]
            if (l > 0) {
                layerIn.close(); // the previous layer's output; the caller owns the input embeddings
            }
        }
        return x;
    }

    /** Per-step derived inputs shared by every layer. */
    private record Step(
            int rows, NDArray cos, NDArray sin, NDIndex cacheWrite, NDArray oneTokenMask, List<NDArray> chunkMasks) {}

    /** The one-token rows' mask [n,1,1,keys]: each row is its own sequence (slot). */
    private NDArray oneTokenMask(StepInput in) {
        int n = in.oneTokenRows();
        int keys = in.oneTokenKeys();
        return mask(in.positions().get("0:{}", n), keys).reshape(n, 1, 1, keys);
    }

    /**
     * Additive float32 mask [q,keys]: the query at position p sees keys 0..p of its own slot;
     * positions beyond its own (another row's longer history, stale entries) are masked.
     */
    private NDArray mask(NDArray queryPositions, int keys) {
        long q = queryPositions.getShape().get(0);
        NDArray hidden = keyIndex.get("0:{}", keys).reshape(1, keys).gt(queryPositions.reshape(q, 1)); // [q,keys]
        return hidden.toType(DataType.FLOAT32, false).mul(masked); // 1 → MASKED, 0 → (−)0
    }

    /** One decoder layer: x [N,D] → [N,D]. */
    private NDArray layer(NDArray x, int l, StepInput in, Step s, SlotCache cache) {
        Layer w = layers[l];
        int n = s.rows();
        NDArray h = Nn.rmsNorm(x, w.inNorm(), eps); // [N,D]
        NDList qkv = w.qkv()
                .apply(h)
                .reshape(n, heads + 2 * kvHeads, headDim) // [N,H+2KV,dh]
                .split(new long[] {heads + kvHeads}, 1); // [N,H+KV,dh], [N,KV,dh]
        NDList qk = rope(qkv.get(0), s.cos(), s.sin()).split(new long[] {heads}, 1); // [N,H,dh], [N,KV,dh]
        cache.write(l, s.cacheWrite(), qk.get(1), qkv.get(1));
        NDArray q = qk.get(0).mul(scale); // [N,H,dh] q/√dh
        x = x.add(w.o().apply(attention(q, l, in, s, cache))); // [N,D]
        h = Nn.rmsNorm(x, w.postNorm(), eps); // [N,D]
        NDList gateUp = w.gateUp().apply(h).split(new long[] {ffn}, 1); // [N,F], [N,F]
        return x.add(w.down().apply(Nn.silu(gateUp.get(0)).mul(gateUp.get(1)))); // [N,D]
    }

    /** Attention of every row against its slot's cached keys/values → [N,D]. */
    private NDArray attention(NDArray q, int l, StepInput in, Step s, SlotCache cache) {
        NDList out = new NDList();
        int n1 = in.oneTokenRows();
        if (n1 > 0) {
            NDArray q1 = q.get("0:{}", n1).expandDims(2); // [n1,H,1,dh]
            Supplier<NDArray> decode = () -> attend(
                    q1,
                    cache.keys(l, 0, n1, in.oneTokenKeys()),
                    cache.values(l, 0, n1, in.oneTokenKeys()),
                    s.oneTokenMask()); // [n1,H,1,dh]
            boolean small = (long) n1 * heads * in.oneTokenKeys() < ONE_THREAD_ATTENTION_BELOW;
            NDArray o = cpu && small ? Nn.onCallingThread(decode) : decode.get();
            out.add(o.reshape(n1, dim));
        }
        for (int i = 0; i < in.chunks().size(); i++) {
            StepInput.Chunk c = in.chunks().get(i);
            int keys = c.start() + c.length();
            NDArray qc = q.get("{}:{}", c.row(), c.row() + c.length())
                    .transpose(1, 0, 2)
                    .expandDims(0); // [1,H,c,dh]
            NDArray o = attend(
                    qc,
                    cache.keys(l, c.slot(), c.slot() + 1, keys),
                    cache.values(l, c.slot(), c.slot() + 1, keys),
                    s.chunkMasks().get(i)); // [1,H,c,dh]
            out.add(o.transpose(0, 2, 1, 3).reshape(c.length(), dim)); // [c,D]
        }
        return out.size() == 1 ? out.singletonOrThrow() : NDArrays.concat(out, 0);
    }

    /** softmax(q·kᵀ + mask)·v for q [b,H,t,dh] (already scaled), k, v [b,KV,keys,dh] → [b,H,t,dh]. */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        NDArray scores = q.matMul(repeatKv(k).transpose(0, 1, 3, 2)); // [b,H,t,keys]
        NDArray probs = Nn.maskedSoftmax32(scores, mask); // [b,H,t,keys]
        NDArray out = probs.matMul(repeatKv(v)); // [b,H,t,dh]
        probs.close();
        return out;
    }

    /** Rotate-half RoPE: x·cos + rotate_half(x)·sin, with rotate_half(x)·sin = cat(x2, x1)·(−sin, +sin). */
    private NDArray rope(NDArray x, NDArray cos, NDArray sinSigned) {
        NDList halves = x.split(2, 2); // x1, x2 [N,h,dh/2]
        NDArray swapped = NDArrays.concat(new NDList(halves.get(1), halves.get(0)), -1); // [N,h,dh]
        return x.mul(cos).add(swapped.mul(sinSigned)); // [N,h,dh]
    }

    /** GQA: kv head j serves query heads j·rep .. j·rep+rep-1 (transformers' repeat_kv). */
    private NDArray repeatKv(NDArray x) {
        int rep = heads / kvHeads;
        if (rep == 1) {
            return x;
        }
        Shape s = x.getShape(); // [b,KV,T,dh]
        return x.expandDims(2)
                .broadcast(s.get(0), kvHeads, rep, s.get(2), headDim) // [b,KV,rep,T,dh]
                .reshape(s.get(0), heads, s.get(2), headDim); // [b,H,T,dh]
    }

    /** Final norm then lm_head: hidden [R,D] → logits [R,V] in float32. */
    NDArray logits(NDArray hidden) {
        NDArray logits = lmHead.apply(finalNorm(hidden)); // [R,V]
        return logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    }

    /** The final RMSNorm, [R,D] → [R,D]. */
    NDArray finalNorm(NDArray hidden) {
        return Nn.rmsNorm(hidden, norm, eps);
    }

    /**
     * The largest transient float32 copy of a projection weight that a step makes, when up to {@code
     * layerRows} rows go through the layers and up to {@code sampledRows} through lm_head (0 when every
     * projection runs in its own dtype). Every layer has the same projections, so layer 0 stands for all.
     */
    long widenedWeightBytes(long layerRows, long sampledRows) {
        Layer w = layers[0];
        long layer = Math.max(
                Math.max(w.qkv().widenedBytes(layerRows), w.o().widenedBytes(layerRows)),
                Math.max(w.gateUp().widenedBytes(layerRows), w.down().widenedBytes(layerRows)));
        return Math.max(layer, lmHead.widenedBytes(sampledRows));
    }

    int dim() {
        return dim;
    }

    DataType dtype() {
        return dtype;
    }
}

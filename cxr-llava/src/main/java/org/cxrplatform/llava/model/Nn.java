package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/** The few neural-network primitives the forward passes use, each as PyTorch computes it. */
final class Nn {

    private static final float SQRT_HALF = (float) Math.sqrt(0.5);

    private Nn() {}

    /**
     * Runs one block in its own NDScope: its intermediates are freed when it returns and only its
     * result moves to the enclosing scope, so a forward pass holds one block's temporaries at a time.
     */
    static NDArray scoped(Supplier<NDArray> block) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = block.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    /**
     * Runs {@code block} with one intra-op thread, then restores the count. For work of a few tens of
     * microseconds: libtorch hands its softmax (whatever the size) and its batched products to every
     * intra-op thread, and each hand-off is a fork-join that waits for the other threads to be scheduled,
     * which on a busy host costs milliseconds. The count is the calling thread's (OpenMP's and MKL's
     * per-thread setting), so other threads are unaffected; switching it costs under a microsecond
     * (BENCHMARKS.md, "The 2-thread decode step").
     */
    static NDArray onCallingThread(Supplier<NDArray> block) {
        int threads = JniUtils.getNumThreads();
        if (threads == 1) {
            return block.get();
        }
        JniUtils.setNumThreads(1);
        try {
            return block.get();
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    /** softmax over the last axis, freeing the scores as soon as possible. */
    static NDArray softmax(NDArray scores) {
        NDArray probs = scores.softmax(-1);
        scores.close();
        return probs;
    }

    /**
     * softmax(scores + mask) over the last axis in float32, as transformers computes attention, back
     * in the scores' dtype. {@code mask} is additive float32 (0 or a large negative number).
     */
    static NDArray maskedSoftmax32(NDArray scores, NDArray mask) {
        DataType dtype = scores.getDataType();
        NDArray scores32 = scores;
        if (dtype != DataType.FLOAT32) {
            scores32 = scores.toType(DataType.FLOAT32, false);
            scores.close();
        }
        NDArray probs = softmax(scores32.addi(mask));
        if (dtype == DataType.FLOAT32) {
            return probs;
        }
        NDArray cast = probs.toType(dtype, false);
        probs.close();
        return cast;
    }

    /** {@code x @ w.T + b}, w in PyTorch's [out, in] layout. */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    /** {@code x @ w.T}, no bias. */
    static NDArray linear(NDArray x, NDArray w) {
        return Linear.linear(x, w).singletonOrThrow();
    }

    /** LayerNorm over the last axis, eps 1e-5 (open_clip's default). */
    static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, 1e-5f)
                .singletonOrThrow();
    }

    /**
     * LLaMA RMSNorm: {@code x * rsqrt(mean(x²) + eps) * weight}, computed in float32. {@code eps} is a
     * float32 scalar already on the device: a Java number would be copied to the device at every call.
     */
    static NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
        DataType dtype = x.getDataType();
        NDArray x32 = dtype == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = x32.square().mean(new int[] {-1}, true);
        NDArray normed = x32.div(variance.add(eps).sqrt());
        return (dtype == DataType.FLOAT32 ? normed : normed.toType(dtype, false)).mul(weight);
    }

    /** Exact GELU: {@code 0.5 x (1 + erf(x / √2))}. */
    static NDArray gelu(NDArray x) {
        return x.mul(SQRT_HALF).erf().add(1f).mul(x).mul(0.5f);
    }

    /** SiLU: {@code x σ(x)}. */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }
}

package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cxrplatform.llava.checkpoint.Checkpoint;

/**
 * Moves checkpoint tensors (and constants computed from the config) onto the engine: widened to
 * float32 on read, then cast to the compute dtype, or for the decoder's projections to the weight
 * dtype (on a CPU, fp16 weights with float32 compute: {@link HalfProjection}).
 */
final class Tensors {

    private final Checkpoint checkpoint;
    private final NDManager manager;
    private final DataType dtype;
    private final DataType projectionDtype;
    private final int projectionBlocks;

    /**
     * {@code dtype}: of activations and every other weight; {@code projectionDtype}: of the projections,
     * the same or (on a CPU) fp16; {@code projectionBlocks}: column blocks per {@link BlockProjection}.
     */
    Tensors(Checkpoint checkpoint, NDManager manager, DataType dtype, DataType projectionDtype, int projectionBlocks) {
        this.checkpoint = checkpoint;
        this.manager = manager;
        this.dtype = dtype;
        this.projectionDtype = projectionDtype;
        this.projectionBlocks = projectionBlocks;
    }

    NDArray load(String name) {
        NDArray fp32 = manager.create(checkpoint.floats(name), new Shape(checkpoint.shape(name)));
        fp32.setName(name);
        return cast(fp32);
    }

    /**
     * Linear weights [out_i, in] stacked along out: one product then computes all the projections at
     * once (fused q/k/v, gate/up). In the compute dtype stored transposed, [in, Σout], contiguous (no
     * per-call transpose), split into the largest number of equal column blocks up to {@code
     * projectionBlocks}; in a narrower dtype kept [Σout, in] for {@link HalfProjection}.
     */
    Projection loadProjection(String... names) {
        long in = checkpoint.shape(names[0])[1];
        long out = 0;
        for (String n : names) {
            long[] s = checkpoint.shape(n);
            if (s[1] != in) {
                throw new IllegalArgumentException(n + " has " + s[1] + " inputs, " + names[0] + " has " + in);
            }
            out += s[0];
        }
        float[] stacked = new float[Math.toIntExact(out * in)];
        int at = 0;
        for (String n : names) {
            float[] w = checkpoint.floats(n); // [out_i, in] row-major: rows append
            System.arraycopy(w, 0, stacked, at, w.length);
            at += w.length;
        }
        if (projectionDtype != dtype) {
            try (NDArray rows = manager.create(stacked, new Shape(out, in))) {
                NDArray weight = rows.toType(projectionDtype, true);
                weight.setName(String.join("+", names));
                return new HalfProjection(weight);
            }
        }
        int blocks = projectionBlocks;
        while (out % blocks != 0) {
            blocks--;
        }
        // flatten copies the permuted view into row-major order; reshape is then a view of that copy
        try (NDArray rows = manager.create(stacked, new Shape(blocks, out / blocks, in));
                NDArray view = rows.transpose(0, 2, 1);
                NDArray flat = view.flatten()) {
            NDArray weight = blocks == 1 ? flat.reshape(in, out) : flat.reshape(blocks, in, out / blocks);
            weight.setName(String.join("+", names));
            return new BlockProjection(cast(weight), blocks, out);
        }
    }

    /** A constant computed in Java (a table, a scalar when {@code shape} is empty), in the compute dtype. */
    NDArray constant(float[] values, Shape shape) {
        return cast(manager.create(values, shape));
    }

    private NDArray cast(NDArray fp32) {
        if (dtype == DataType.FLOAT32) {
            return fp32;
        }
        NDArray cast = fp32.toType(dtype, false);
        fp32.close();
        return cast;
    }

    DataType dtype() {
        return dtype;
    }
}

package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cxrplatform.llava.checkpoint.Checkpoint;

/**
 * Moves checkpoint tensors (and constants computed from the config) onto the engine: widened to
 * float32 on read, then cast to the compute dtype.
 */
final class Tensors {

    private final Checkpoint checkpoint;
    private final NDManager manager;
    private final DataType dtype;

    Tensors(Checkpoint checkpoint, NDManager manager, DataType dtype) {
        this.checkpoint = checkpoint;
        this.manager = manager;
        this.dtype = dtype;
    }

    NDArray load(String name) {
        NDArray fp32 = manager.create(checkpoint.floats(name), new Shape(checkpoint.shape(name)));
        fp32.setName(name);
        return cast(fp32);
    }

    /**
     * Linear weights [out_i, in] stacked along out and stored transposed, [in, Σout], contiguous: one
     * {@code x.matMul(w)} then computes all the projections at once (fused q/k/v, gate/up) and needs no
     * per-call transpose.
     */
    NDArray loadProjection(String... names) {
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
        // flatten copies the transposed view into row-major order; reshape is then a view of that copy
        try (NDArray rows = manager.create(stacked, new Shape(out, in));
                NDArray view = rows.transpose();
                NDArray flat = view.flatten()) {
            NDArray transposed = flat.reshape(in, out);
            transposed.setName(String.join("+", names));
            return cast(transposed);
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

package org.cxrplatform.llava.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.Locale;

/**
 * Whether half precision would speed up decoding on this CPU: one decode step's matrix-vector
 * products of the medium model (q/k/v, o, gate/up, down of one layer and lm_head) in fp32 and fp16,
 * with the weight stored [in, out] (x·W, the engine's layout) and [out, in] (x·Wᵀ), rounds
 * interleaving the four. Uses only DJL's API, so the same class runs against other libtorch
 * versions (bench/half-precision.sh runs it on the CPU natives of PyTorch 2.5.1 and 2.7.1).
 *
 * <pre>java -Dai.djl.pytorch.num_threads=1 -cp cxr-llava/target/cxr-llava.jar \
 *     org.cxrplatform.llava.bench.HalfPrecision [--rounds 15]</pre>
 */
public final class HalfPrecision {

    private HalfPrecision() {}

    public static void main(String[] args) {
        int rounds = args.length == 2 && args[0].equals("--rounds") ? Integer.parseInt(args[1]) : 15;
        int[][] shapes = {{1024, 3072}, {1024, 1024}, {1024, 5632}, {2816, 1024}, {1024, 32000}};
        DataType[] types = {DataType.FLOAT32, DataType.FLOAT16};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            System.out.printf(
                    Locale.ROOT,
                    "HalfPrecision: PyTorch %s, intra-op threads %s, load average %s%n",
                    ai.djl.engine.Engine.getEngine("PyTorch").getVersion(),
                    System.getProperty("ai.djl.pytorch.num_threads", "engine default"),
                    Figures.loadAverage());
            NDArray[][] inOut = new NDArray[2][shapes.length];
            NDArray[][] outIn = new NDArray[2][shapes.length];
            NDArray[][] x = new NDArray[2][shapes.length];
            long values = 0;
            for (int i = 0; i < shapes.length; i++) {
                int in = shapes[i][0];
                int out = shapes[i][1];
                NDArray w = m.randomUniform(-0.05f, 0.05f, new Shape(out, in));
                NDArray v = m.randomUniform(-1f, 1f, new Shape(1, in));
                for (int t = 0; t < 2; t++) {
                    outIn[t][i] = w.toType(types[t], false);
                    inOut[t][i] = w.transpose().flatten().reshape(in, out).toType(types[t], false);
                    x[t][i] = v.toType(types[t], false);
                }
                values += (long) in * out;
            }
            double[][] ms = new double[4][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 4; k++) {
                    int variant = (r + k) % 4; // type = variant / 2, layout = variant % 2
                    int t = variant / 2;
                    long start = System.nanoTime();
                    for (int i = 0; i < shapes.length; i++) {
                        NDArray y = variant % 2 == 0
                                ? x[t][i].matMul(inOut[t][i])
                                : Linear.linear(x[t][i], outIn[t][i]).singletonOrThrow();
                        y.close();
                    }
                    ms[variant][r] = (System.nanoTime() - start) / 1e6;
                }
            }
            for (int variant = 0; variant < 4; variant++) {
                int bytes = types[variant / 2].getNumOfBytes();
                double[] gbs = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    gbs[r] = values * bytes / ms[variant][r] / 1e6;
                }
                System.out.printf(
                        Locale.ROOT,
                        "%s %s: %.0f MB of weights, %s ms, %s GB/s (median [min-max] of %d)%n",
                        types[variant / 2],
                        variant % 2 == 0 ? "x·W, W [in,out]  " : "x·Wᵀ, W [out,in]",
                        values * bytes / 1e6,
                        Figures.spread(ms[variant]),
                        Figures.spread(gbs),
                        rounds);
            }
            Figures.footer();
        }
    }
}

package org.cxrplatform.llava;

import java.util.Locale;

/**
 * Where and in which precision the model runs.
 *
 * <ul>
 *   <li>{@code device}: "cpu", "gpu" (CUDA device 0) or "gpu:N" ("cuda", "cuda:N" are the same). A
 *       GPU needs the CUDA build of the PyTorch natives ({@code mvn -Dcuda}, see the README); with the
 *       CPU build {@link CxrLlava#load} refuses it in one line.
 *   <li>{@code dtype}: "fp32" or "fp16". fp16 runs on a GPU; on the CPU it is refused, because
 *       libtorch 2.5.1's CPU kernels multiply fp16 matrices more slowly than fp32 (BENCHMARKS.md, "Half
 *       precision on the CPU"): the fp16 path runs on the CPU only in tests, behind
 *       {@value #CPU_FP16_TEST_SWITCH}. "bf16" is refused everywhere: DJL 0.33's bridge to libtorch has
 *       no bfloat16 type, and creating or casting to one aborts the JVM ({@code bench.DtypeProbe}).
 *       Stored BF16/F16 weights are widened to fp32 on read, then cast to the compute dtype; RMSNorm,
 *       attention softmax and the logits stay in fp32.
 * </ul>
 */
public record RuntimeOptions(String device, String dtype) {

    /** System property that lets the CPU run fp16, so that tests exercise the GPU's half-precision path here. */
    public static final String CPU_FP16_TEST_SWITCH = "cxr.llava.test.cpu-fp16";

    public RuntimeOptions {
        device = device == null ? "cpu" : device.trim().toLowerCase(Locale.ROOT).replaceFirst("^cuda", "gpu");
        dtype = dtype == null ? "fp32" : dtype.trim().toLowerCase(Locale.ROOT);
        if (!device.equals("cpu") && !device.matches("gpu(:\\d+)?")) {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + device + "'");
        }
        if (dtype.equals("bf16")) {
            throw new IllegalArgumentException("dtype bf16 cannot run: DJL 0.33's PyTorch bridge has no bfloat16 type "
                    + "(creating one aborts the JVM); use fp16 on a GPU (the same memory) or fp32 on the CPU");
        }
        if (!dtype.equals("fp32") && !dtype.equals("fp16")) {
            throw new IllegalArgumentException("dtype must be fp32 or fp16, got '" + dtype + "'");
        }
        if (device.equals("cpu") && dtype.equals("fp16") && !Boolean.getBoolean(CPU_FP16_TEST_SWITCH)) {
            throw new IllegalArgumentException("dtype fp16 on the CPU is slower than fp32 with libtorch 2.5.1's CPU "
                    + "kernels (cxr-llava/BENCHMARKS.md); use fp32 on the CPU, fp16 on a GPU");
        }
    }

    public static RuntimeOptions cpu() {
        return new RuntimeOptions("cpu", "fp32");
    }

    /** CUDA device index, or -1 for the CPU. */
    public int gpuIndex() {
        if (device.equals("cpu")) {
            return -1;
        }
        return device.equals("gpu") ? 0 : Integer.parseInt(device.substring(4));
    }
}

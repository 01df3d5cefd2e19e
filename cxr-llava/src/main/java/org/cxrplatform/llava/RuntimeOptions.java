package org.cxrplatform.llava;

import java.util.Locale;

/**
 * Where and in which precision the model runs.
 *
 * <ul>
 *   <li>{@code device}: "cpu", "gpu" (CUDA device 0) or "gpu:N" ("cuda", "cuda:N" are the same). A
 *       GPU needs the CUDA build of the PyTorch natives ({@code mvn -Dcuda}, see the README); with the
 *       CPU build {@link CxrLlava#load} refuses it in one line.
 *   <li>{@code dtype}: "fp32" or "fp16", the dtype of the weights. On a GPU fp16 is also the compute
 *       dtype (RMSNorm, attention softmax and the logits stay in fp32). On the CPU fp16 stores the
 *       decoder's projections in fp16 and computes in fp32 (README, "Device and precision"); it needs
 *       the CPU build's PyTorch 2.7+ natives, and {@link CxrLlava#load} refuses it in one line on the
 *       CUDA build's 2.5.1, whose CPU fp16 products are slower than fp32. "bf16" is refused everywhere:
 *       the PyTorch bridge of DJL 0.33 and 0.36 has no bfloat16 type, and creating or casting to one
 *       aborts the JVM ({@code bench.DtypeProbe}). Stored BF16/F16 weights are widened to fp32 on read,
 *       then cast.
 * </ul>
 */
public record RuntimeOptions(String device, String dtype) {

    public RuntimeOptions {
        device = device == null ? "cpu" : device.trim().toLowerCase(Locale.ROOT).replaceFirst("^cuda", "gpu");
        dtype = dtype == null ? "fp32" : dtype.trim().toLowerCase(Locale.ROOT);
        if (!device.equals("cpu") && !device.matches("gpu(:\\d+)?")) {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + device + "'");
        }
        if (dtype.equals("bf16")) {
            throw new IllegalArgumentException("dtype bf16 cannot run: DJL's PyTorch bridge (0.33 and 0.36) has no "
                    + "bfloat16 type (creating one aborts the JVM); use fp16 (the same memory) or fp32");
        }
        if (!dtype.equals("fp32") && !dtype.equals("fp16")) {
            throw new IllegalArgumentException("dtype must be fp32 or fp16, got '" + dtype + "'");
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

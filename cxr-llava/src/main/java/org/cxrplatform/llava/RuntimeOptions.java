package org.cxrplatform.llava;

import java.util.Locale;

/**
 * Where and in which precision the model runs.
 *
 * <ul>
 *   <li>{@code device}: "cpu", "gpu" (CUDA device 0) or "gpu:N". A GPU needs the CUDA build of the
 *       PyTorch native library on the class path instead of {@code pytorch-native-cpu}.
 *   <li>{@code dtype}: "fp32", "fp16" or "bf16". On the CPU only fp32 is accepted: the CPU build
 *       of libtorch aborts the JVM when converting to BF16, and FP16 matmul there is slow or
 *       missing. Stored BF16/F16 weights are always widened to fp32 on read, then cast to the
 *       compute dtype (RMSNorm and attention softmax stay in fp32).
 * </ul>
 */
public record RuntimeOptions(String device, String dtype) {

  public RuntimeOptions {
    device = device == null ? "cpu" : device.trim().toLowerCase(Locale.ROOT);
    dtype = dtype == null ? "fp32" : dtype.trim().toLowerCase(Locale.ROOT);
    if (!device.equals("cpu") && !device.matches("gpu(:\\d+)?")) {
      throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + device + "'");
    }
    if (!dtype.equals("fp32") && !dtype.equals("fp16") && !dtype.equals("bf16")) {
      throw new IllegalArgumentException("dtype must be fp32, fp16 or bf16, got '" + dtype + "'");
    }
    if (device.equals("cpu") && !dtype.equals("fp32")) {
      throw new IllegalArgumentException("dtype " + dtype + " is only supported on a GPU; use fp32 on the CPU");
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

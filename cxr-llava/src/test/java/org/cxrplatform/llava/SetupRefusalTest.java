package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.cxrplatform.llava.cli.CxrLlavaCli;
import org.junit.jupiter.api.Test;

/** Start-up refuses, in one line naming the fix, what the build's natives cannot run. */
class SetupRefusalTest {

    @Test
    void aGpuAskedOfTheCpuBuildIsRefusedNamingTheCudaBuild() {
        assertThat(Natives.bundledFlavour()).isEqualTo("cpu");
        for (String device : new String[] {"gpu", "gpu:1", "cuda:0"}) {
            assertThatThrownBy(() -> CxrLlava.load(Fixtures.model(Fixtures.TINY), new RuntimeOptions(device, "fp16")))
                    .isInstanceOf(SetupException.class)
                    .hasMessageNotContaining("\n")
                    .hasMessageContaining(
                            "needs the CUDA build of the PyTorch natives, but this build carries the CPU build")
                    .hasMessageContaining("build with -Dcuda");
        }
    }

    @Test
    void theCommandLineSaysTheSameInOneLineAndExitsWith2() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CxrLlavaCli.run(
                new String[] {
                    "generate",
                    "--model",
                    Fixtures.model(Fixtures.TINY).toString(),
                    "--image",
                    Fixtures.reference(Fixtures.TINY).resolve("input.png").toString(),
                    "--device",
                    "gpu",
                    "--dtype",
                    "fp16"
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .startsWith("error: device gpu needs the CUDA build")
                .doesNotContain("\n");
    }

    @Test
    void bf16IsRefusedOnEveryDeviceBecauseDjlCannotCreateIt() {
        for (String device : new String[] {"cpu", "gpu"}) {
            assertThatThrownBy(() -> new RuntimeOptions(device, "bf16"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dtype bf16 cannot run: DJL's PyTorch bridge (0.33 and 0.36) has no bfloat16")
                    .hasMessageContaining("use fp16 (the same memory) or fp32");
        }
    }

    @Test
    void fp16OnTheCpuRunsOnTheCpuBuildsNatives() {
        String version = Natives.engine().getVersion();
        assertThat(version).startsWith("2.7");
        assertThat(Natives.cpuDtypeRefusal("fp16", version)).isNull();
        assertThat(Natives.cpuDtypeRefusal("fp32", version)).isNull();
    }

    /** The CUDA build's natives (2.5.1) on a CPU, checked on the version they report. */
    @Test
    void fp16OnTheCpuIsRefusedInOneLineWithNativesOlderThan27() {
        assertThat(Natives.cpuDtypeRefusal("fp16", "2.5.1"))
                .isEqualTo("dtype fp16 on the CPU needs PyTorch 2.7 or newer natives, but this build carries PyTorch "
                        + "2.5.1, whose CPU fp16 products are slower than fp32 (cxr-llava/BENCHMARKS.md): use dtype "
                        + "fp32, or the CPU build (without -Dcuda)");
        assertThat(Natives.cpuDtypeRefusal("fp32", "2.5.1")).isNull();
        assertThat(Natives.cpuDtypeRefusal("fp16", "2.10.0")).isNull();
    }

    /** Without a GPU here, the CUDA build's refusals are checked on the facts they are made from. */
    @Test
    void withoutAGpuHereTheCudaBuildsRefusalsAreCheckedOnTheirInputs() {
        assertThat(Natives.gpuRefusal("gpu", 0, true, 1)).isNull();
        assertThat(Natives.gpuRefusal("gpu:1", 1, true, 1))
                .isEqualTo("device gpu:1 requested but the CUDA build sees 1 CUDA device(s): give the container a GPU "
                        + "(nvidia.com/gpu) and check NVIDIA_VISIBLE_DEVICES, or use device cpu");
        // what DJL 0.33 says when the cu124 natives start on a machine without a driver (measured, README)
        assertThat(Natives.startFailure("cu124", "Failed to save pytorch index file: Offline mode is enabled."))
                .isEqualTo(
                        "the PyTorch engine did not start (Failed to save pytorch index file: Offline mode is enabled.): "
                                + "this is the CUDA build (pytorch-native-cu124), which needs a visible NVIDIA GPU and a driver for "
                                + "CUDA 12.4 or newer; on a machine without one, use the CPU build");
    }
}

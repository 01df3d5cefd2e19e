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
                    .hasMessageContaining("dtype bf16 cannot run: DJL 0.33's PyTorch bridge has no bfloat16 type")
                    .hasMessageContaining("use fp16 on a GPU");
        }
    }

    @Test
    void fp16OnTheCpuIsRefusedOutsideTests() {
        String before = System.clearProperty(RuntimeOptions.CPU_FP16_TEST_SWITCH);
        try {
            assertThatThrownBy(() -> new RuntimeOptions("cpu", "fp16"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dtype fp16 on the CPU is slower than fp32");
            assertThat(new RuntimeOptions("gpu", "fp16").dtype()).isEqualTo("fp16");
        } finally {
            if (before != null) {
                System.setProperty(RuntimeOptions.CPU_FP16_TEST_SWITCH, before);
            }
        }
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

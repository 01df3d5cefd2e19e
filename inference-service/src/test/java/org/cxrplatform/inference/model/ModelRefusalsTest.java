package org.cxrplatform.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.cxrplatform.inference.config.EngineSettings;
import org.cxrplatform.inference.config.GenerationConfig;
import org.cxrplatform.inference.config.ModelConfig;
import org.junit.jupiter.api.Test;

/**
 * What the library refuses at start-up reaches {@link ModelService#error()} (shown by readiness) as
 * one line naming the fix, with the real natives of this CPU build and the bundled tiny model; and
 * what these natives can run (fp16 on the CPU) loads.
 */
class ModelRefusalsTest {

    private record Model(Optional<String> dir, String device, String dtype, int cpuThreads) implements ModelConfig {}

    private record Engine(int slots, int reservedStatSlots, int prefillChunk, int context, Optional<MemorySize> memory)
            implements EngineSettings {}

    private record Generation(
            OptionalInt maxNewTokens, float temperature, float topP, long seed, boolean repetitionGuard)
            implements GenerationConfig {}

    private static ModelService service(String device, String dtype, Optional<MemorySize> memory) {
        ModelService s = new ModelService();
        s.config = new Model(Optional.empty(), device, dtype, 1);
        s.engine = new Engine(16, 1, 256, 0, memory);
        s.generation = new Generation(OptionalInt.empty(), 0.2f, 0.8f, 0, true);
        s.lanes = List.of("stat", "routine");
        return s;
    }

    private static String refusal(ModelService s) {
        assertThatThrownBy(s::load).isInstanceOf(RuntimeException.class);
        assertThat(s.state()).isEqualTo(ModelService.State.FAILED);
        assertThat(s.error()).doesNotContain("\n");
        return s.error();
    }

    @Test
    void aGpuAskedOfTheCpuBuildIsRefusedNamingTheCudaNatives() {
        assertThat(refusal(service("gpu", "fp16", Optional.empty())))
                .contains("device gpu")
                .contains("CUDA");
    }

    @Test
    void fp16OnTheCpuLoadsWithTheCpuBuildsNatives() {
        ModelService s = service("cpu", "fp16", Optional.empty());
        try {
            assertThat(s.load().info().parameterCount()).isPositive();
            assertThat(s.state()).isEqualTo(ModelService.State.LOADED);
        } finally {
            s.close();
        }
    }

    @Test
    void bf16OnTheCpuIsRefused() {
        assertThat(refusal(service("cpu", "bf16", Optional.empty())))
                .contains("dtype bf16")
                .contains("fp32");
    }

    @Test
    void aMemoryBudgetTooSmallForOneStudyAtTheConfiguredContextIsRefusedWithTheSizes() {
        assertThat(refusal(service("cpu", "fp32", Optional.of(new MemorySize(BigInteger.valueOf(8L << 20))))))
                .contains("memory budget: 8.0 MiB available (configured)")
                .contains("2048 positions")
                .contains("give the engine more memory");
    }
}

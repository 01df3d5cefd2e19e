package org.cxrplatform.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import org.cxrplatform.inference.config.EngineSettings;
import org.cxrplatform.inference.config.RemovedSettings;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.engine.EngineConfig;
import org.junit.jupiter.api.Test;

/** Start-up checks of the engine and generation settings: each bad value refused in one line naming its key. */
class EngineSettingsTest {

    private record Settings(
            int slots, int reservedStatSlots, int prefillChunk, int context, Optional<MemorySize> memory)
            implements EngineSettings {}

    private static Settings defaults() {
        return new Settings(16, 1, 256, 0, Optional.empty());
    }

    @Test
    void theDefaultsGiveTheEngineSixteenSlotsOneKeptForStatAndAutomaticMemory() {
        EngineConfig c = ModelService.engineConfig(defaults(), true);
        assertThat(c).isEqualTo(new EngineConfig(16, 0, 256, 0, 1));
        assertThat(ModelService.engineConfig(defaults(), false).reservedSlots())
                .as("a one-lane replica keeps no slot for STAT")
                .isZero();
        assertThat(ModelService.engineConfig(
                                new Settings(
                                        4, 1, 64, 1024, Optional.of(new MemorySize(BigInteger.valueOf(20L << 30)))),
                                true)
                        .memoryBytes())
                .isEqualTo(20L << 30);
    }

    @Test
    void badValuesAreRefusedNamingTheirKey() {
        assertThatThrownBy(() -> ModelService.engineConfig(new Settings(0, 0, 256, 0, Optional.empty()), true))
                .hasMessage("cxr.engine.slots must be >= 1, was 0");
        assertThatThrownBy(() -> ModelService.engineConfig(new Settings(4, 4, 256, 0, Optional.empty()), true))
                .hasMessage("cxr.engine.reserved-stat-slots must be >= 0 and below cxr.engine.slots (4), was 4");
        assertThatThrownBy(() -> ModelService.engineConfig(new Settings(4, 1, 0, 0, Optional.empty()), true))
                .hasMessageStartingWith("cxr.engine.prefill-chunk must be >= 1");
        assertThatThrownBy(() -> ModelService.engineConfig(new Settings(4, 1, 256, -1, Optional.empty()), true))
                .hasMessageStartingWith("cxr.engine.context must be >= 0");
        assertThatThrownBy(() -> ModelService.engineConfig(
                        new Settings(4, 1, 256, 0, Optional.of(new MemorySize(BigInteger.ZERO))), true))
                .hasMessageStartingWith("cxr.engine.memory must be positive");
    }

    @Test
    void staticBatchingSettingsAreRefusedWithWhatReplacedThem() {
        Map<String, String> set = Map.of("cxr.inference.routine.batch-size", "16");
        assertThatThrownBy(() -> RemovedSettings.refuse(set::containsKey))
                .hasMessage(
                        "static batching settings are no longer used, remove them: cxr.inference.routine.batch-size "
                                + "(replaced by cxr.engine.slots)");
        RemovedSettings.refuse(key -> false);
    }

    @Test
    void theGenerationLabelNamesTheSettingsEveryReportIdDependsOn() {
        assertThat(ModelService.labelOf(GenerationOptions.reportDefaults(0)))
                .isEqualTo("sample(t=0.2,p=0.8,seed=0,guard=8x3)");
        assertThat(ModelService.labelOf(GenerationOptions.greedy())).isEqualTo("greedy");
        assertThat(ModelService.labelOf(
                        GenerationOptions.reportDefaults(0).withSeed(7).withRepetitionGuard(null)))
                .isEqualTo("sample(t=0.2,p=0.8,seed=7)");
    }
}

package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.inference.TestStudies;
import org.cxrplatform.inference.TinyModel;
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.TokenListener;
import org.junit.jupiter.api.Test;

class BatchGeneratorTest {

    /** The real tiny model, but any call above {@code fits} studies fails the way CUDA does: this CPU has no GPU to exhaust. */
    static final class SimulatedGpuMemory extends OverRealModel {
        final int fits;
        final List<Integer> calls = new ArrayList<>();

        SimulatedGpuMemory(ReportModel real, int fits) {
            super(real);
            this.fits = fits;
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> batch, GenerationOptions options, TokenListener listener) {
            calls.add(batch.size());
            if (batch.size() > fits) {
                throw new RuntimeException("ai.djl.engine.EngineException: CUDA out of memory. Tried to allocate 2.00 GiB");
            }
            return real.generate(batch, options, listener);
        }

        @Override
        public void close() {
        }
    }

    private static List<GenerationRequest> requests(int n) {
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(GenerationRequest.report(TestStudies.image(100 + i)));
        }
        return out;
    }

    @Test
    void outOfMemoryHalvesTheBatchRetriesItAndDropsNothing_simulatedGpuOom() {
        SimulatedGpuMemory model = new SimulatedGpuMemory(TinyModel.get(), 2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InferenceMetrics metrics = new InferenceMetrics(registry);
        BatchGenerator generator = new BatchGenerator(model, metrics, 3);
        List<GenerationRequest> requests = requests(8);
        Map<Integer, String> texts = new HashMap<>();

        List<BatchGenerator.Failure> failures = generator.run(Lane.ROUTINE, requests, TinyModel.OPTIONS, (i, t, s) -> { },
                (indices, generations, nanos) -> {
                    for (int k = 0; k < indices.size(); k++) {
                        texts.put(indices.get(k), generations.get(k).text());
                    }
                });

        assertThat(failures).isEmpty();
        assertThat(texts).hasSize(8);
        // Each study's report is the one it gets alone: halving changes nothing but the batch size.
        for (int i = 0; i < 8; i++) {
            String alone = TinyModel.get().generate(List.of(requests.get(i)), TinyModel.OPTIONS, (b, t, s) -> { }).get(0).text();
            assertThat(texts.get(i)).isEqualTo(alone);
        }
        assertThat(model.calls).containsExactly(8, 4, 2, 2, 4, 2, 2);
        assertThat(metrics.oomRetries(Lane.ROUTINE)).isEqualTo(3);
        assertThat(generator.batchLimit(Lane.ROUTINE, 16)).isEqualTo(2);
        assertThat(generator.batchLimit(Lane.STAT, 4)).as("the other lane keeps its size").isEqualTo(4);

        // After 3 calls that fit (the recovery setting), the ceiling doubles again...
        model.calls.clear();
        generator.run(Lane.ROUTINE, requests(2), TinyModel.OPTIONS, (i, t, s) -> { }, (i, g, n) -> { });
        assertThat(generator.batchLimit(Lane.ROUTINE, 16)).isEqualTo(4);
        // ...and halves once more when that is still too much.
        generator.run(Lane.ROUTINE, requests(4), TinyModel.OPTIONS, (i, t, s) -> { }, (i, g, n) -> { });
        assertThat(model.calls).containsExactly(2, 4, 2, 2);
        assertThat(generator.batchLimit(Lane.ROUTINE, 16)).isEqualTo(2);
    }

    @Test
    void aStudyThatFailsAloneIsReportedAndItsNeighboursStillRun_simulatedModelFailure() {
        ReportModel model = new WorkerKafkaTest.FailsOnMarkedImage(TinyModel.get());
        BatchGenerator generator = new BatchGenerator(model, new InferenceMetrics(new SimpleMeterRegistry()), 20);
        List<GenerationRequest> requests = new ArrayList<>(requests(4));
        requests.add(1, GenerationRequest.report(new java.awt.image.BufferedImage(81, 64, java.awt.image.BufferedImage.TYPE_BYTE_GRAY)));
        List<Integer> done = new ArrayList<>();

        List<BatchGenerator.Failure> failures = generator.run(Lane.STAT, requests, TinyModel.OPTIONS, (i, t, s) -> { },
                (indices, generations, nanos) -> done.addAll(indices));

        assertThat(failures).extracting(BatchGenerator.Failure::index).containsExactly(1);
        assertThat(done).containsExactlyInAnyOrder(0, 2, 3, 4);
        assertThat(generator.batchLimit(Lane.STAT, 4)).as("not an out-of-memory error: size unchanged").isEqualTo(4);
    }

    @Test
    void recognisesOutOfMemoryErrors() {
        assertThat(BatchGenerator.isOutOfMemory(new OutOfMemoryError("Java heap space"))).isTrue();
        assertThat(BatchGenerator.isOutOfMemory(new RuntimeException("wrap", new RuntimeException("CUDA out of memory")))).isTrue();
        assertThat(BatchGenerator.isOutOfMemory(new IllegalStateException("shape mismatch"))).isFalse();
    }
}

package org.cxrplatform.llava.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A decode product shared by the calling thread and a worker, chunk by chunk, on libtorch. */
class DecodeThreadsTest {

    private int before;
    private NDManager manager;
    private DecodeThreads threads;
    private NDArray x;
    private NDArray weight;
    private NDArray[] chunks;

    @BeforeEach
    void start() {
        manager = NDManager.newBaseManager("PyTorch"); // loads libtorch
        before = JniUtils.getNumThreads();
        JniUtils.setNumThreads(2);
        threads = new DecodeThreads(2);
        x = manager.randomUniform(-1f, 1f, new Shape(3, 64));
        weight = manager.randomUniform(-1f, 1f, new Shape(64, 96));
        chunks = new NDArray[8];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = weight.get(":, {}:{}", c * 12, (c + 1) * 12); // column views, as BlockProjection's
        }
    }

    @AfterEach
    void stop() {
        threads.close();
        manager.close();
        JniUtils.setNumThreads(before);
    }

    @Test
    void theChunksConcatenatedInOrderAreTheWholeProduct() {
        for (int i = 0; i < 50; i++) { // which thread takes which chunk varies from call to call
            try (NDArray split = threads.concat(x, chunks, NDArray::matMul);
                    NDArray whole = x.matMul(weight)) {
                assertThat(split.getShape()).isEqualTo(new Shape(3, 96));
                assertThat(split.sub(whole).abs().max().getFloat()).isLessThanOrEqualTo(1e-5f);
            }
        }
    }

    @Test
    void everyChunkRunsAtOneIntraOpThreadAndTheCallerGetsItsCountBack() {
        Set<Integer> counts = ConcurrentHashMap.newKeySet();
        threads.concat(x, chunks, (in, w) -> {
                    counts.add(JniUtils.getNumThreads());
                    return in.matMul(w);
                })
                .close();
        assertThat(counts).containsExactly(1);
        assertThat(JniUtils.getNumThreads()).isEqualTo(2);
    }

    @Test
    void aFailingChunkFailsTheProductAndTheThreadsStayUsable() {
        assertThatThrownBy(() -> threads.concat(x, chunks, (in, w) -> {
                    if (w == chunks[5]) {
                        throw new IllegalStateException("chunk 5 failed");
                    }
                    return in.matMul(w);
                }))
                .hasMessage("chunk 5 failed");
        try (NDArray split = threads.concat(x, chunks, NDArray::matMul);
                NDArray whole = x.matMul(weight)) {
            assertThat(split.sub(whole).abs().max().getFloat()).isLessThanOrEqualTo(1e-5f);
        }
    }
}

package org.cxrplatform.llava.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.model.Transfers;

/**
 * Picks every slot's next token on the device: argmax, or softmax(logits / T), the smallest
 * most-likely set reaching top_p (at least one token), and an inverse-CDF draw within it. Only the
 * chosen ids leave the device.
 *
 * <p>Randomness: each request draws its uniforms from its own {@link SplittableRandom} seeded with
 * the request's seed, one per position it may generate, in order; they are uploaded once when the
 * request is admitted into a [slots, capacity] table, and the draw for the token at position p is
 * table[slot, p]. So a request's stream depends on its seed only, not on its neighbours, its slot or
 * when it was admitted, and no random number crosses to the device while decoding. (A device
 * generator per row would need a generator object per request, which DJL does not expose.)
 */
final class DeviceSampler implements AutoCloseable {

    /** Which of the two paths a step needs, decided on the host from the requests producing tokens. */
    enum Mode {
        GREEDY,
        SAMPLED,
        MIXED
    }

    private final NDManager manager;
    private final Transfers transfers;
    private final int capacity;
    private final NDArray temperature; // [S] float32; 1 for greedy slots (never 0: no division by zero)
    private final NDArray topP; // [S] float32
    private final NDArray greedy; // [S] bool
    private final NDArray uniforms; // [S, capacity] float32
    private final NDArray slotIndex; // [S] int64 0..S-1
    private final NDArray one; // int64 scalar 1

    DeviceSampler(NDManager manager, Transfers transfers, int slots, int capacity) {
        this.manager = manager;
        this.transfers = transfers;
        this.capacity = capacity;
        // defaults that keep unused slots' (ignored) rows finite
        temperature = manager.ones(new Shape(slots), DataType.FLOAT32);
        topP = manager.ones(new Shape(slots), DataType.FLOAT32);
        greedy = manager.ones(new Shape(slots), DataType.BOOLEAN);
        uniforms = manager.zeros(new Shape(slots, capacity), DataType.FLOAT32);
        slotIndex = manager.arange(0, slots, 1, DataType.INT64);
        one = manager.create(1L);
    }

    /** Sets a newly admitted request's settings and, when it samples, its uniforms for positions from..capacity-1. */
    void admit(int slot, GenerationOptions options, int from) {
        boolean isGreedy = options.greedyDecoding();
        float[] settings = {isGreedy ? 1f : options.temperature(), isGreedy ? 1f : options.topP(), isGreedy ? 1f : 0f};
        NDArray values = transfers.upload(manager, settings, new Shape(3));
        temperature.set(new NDIndex("{}", slot), values.get(0));
        topP.set(new NDIndex("{}", slot), values.get(1));
        greedy.set(new NDIndex("{}", slot), values.get(2).toType(DataType.BOOLEAN, false));
        if (!isGreedy) {
            float[] draws = new float[capacity];
            Arrays.fill(draws, 0.5f);
            SplittableRandom random = new SplittableRandom(options.seed());
            for (int p = from; p < capacity; p++) {
                draws[p] = (float) random.nextDouble();
            }
            uniforms.set(new NDIndex("{}", slot), transfers.upload(manager, draws, new Shape(capacity)));
        }
    }

    /**
     * Next token of slots 0..n-1 from their logits [n,V] float32; {@code produced} [n] int64 is the
     * position each token will take (it picks the uniform). Returns ids [n] int64 on the device.
     */
    NDArray sample(NDArray logits, int n, NDArray produced, Mode mode) {
        NDArray argmax = mode == Mode.SAMPLED ? null : logits.argMax(-1); // [n]
        if (mode == Mode.GREEDY) {
            return argmax;
        }
        long vocab = logits.getShape().get(1);
        NDArray probs = logits.div(temperature.get("0:{}", n).reshape(n, 1)).softmax(-1); // [n,V]
        NDList sorted = probs.topK((int) vocab, -1, true, true); // descending
        NDArray p = sorted.get(0); // [n,V]
        NDArray cumulative = p.cumSum(-1); // [n,V]
        // keep token i while the mass before it is below top_p: a prefix of the sorted order, ≥ 1 long
        NDArray kept = cumulative.sub(p).lt(topP.get("0:{}", n).reshape(n, 1)).sum(new int[] {-1}, true); // [n,1]
        NDArray last = kept.sub(one); // [n,1]
        NDArray mass = cumulative.gather(last, -1); // [n,1]
        NDArray u = uniforms.get(new NDIndex("{}, {}", slotIndex.get("0:{}", n), produced))
                .reshape(n, 1);
        NDArray pick = cumulative.lte(u.mul(mass)).sum(new int[] {-1}, true).minimum(last); // first with cum > u·mass
        NDArray sampled = sorted.get(1).gather(pick, -1).reshape(n); // [n]
        if (mode == Mode.SAMPLED) {
            return sampled;
        }
        return NDArrays.where(greedy.get("0:{}", n), argmax, sampled);
    }

    @Override
    public void close() {
        temperature.close();
        topP.close();
        greedy.close();
        uniforms.close();
        slotIndex.close();
        one.close();
    }
}

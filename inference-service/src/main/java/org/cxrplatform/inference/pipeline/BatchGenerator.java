package org.cxrplatform.inference.pipeline;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.TokenListener;
import org.jboss.logging.Logger;

/**
 * Runs a lane's batch through the model and never drops a study. When a model call fails with an
 * out-of-memory error the batch is halved and both halves are retried, and the lane's batch
 * ceiling drops to the half that fits; after {@code recoveryBatches} successful calls the ceiling
 * doubles again. Any other error of a multi-study call is isolated the same way (halving until
 * the failing study stands alone), so one bad study does not fail its neighbours. A study that
 * fails alone is returned as a {@link Failure} for the caller to retry or dead-letter.
 *
 * <p>Not thread-safe: the model takes one caller at a time, and so does this.
 */
public final class BatchGenerator {

    private static final Logger LOG = Logger.getLogger(BatchGenerator.class);

    /** Receives each model call's results as soon as the call returns. */
    public interface ResultListener {
        /**
         * @param indices    positions in the batch the generations belong to
         * @param generations the results, same order as {@code indices}
         * @param modelNanos wall time of the call
         */
        void onResults(List<Integer> indices, List<Generation> generations, long modelNanos);
    }

    /** A study that failed on its own. */
    public record Failure(int index, Throwable error) {
    }

    private final ReportModel model;
    private final InferenceMetrics metrics;
    private final int recoveryBatches;
    private final Map<Lane, Integer> ceiling = new EnumMap<>(Lane.class);
    private final Map<Lane, Integer> successesSinceHalving = new EnumMap<>(Lane.class);

    public BatchGenerator(ReportModel model, InferenceMetrics metrics, int recoveryBatches) {
        this.model = model;
        this.metrics = metrics;
        this.recoveryBatches = recoveryBatches;
    }

    /** The batch size to collect for a lane: the configured one, lowered after out-of-memory errors. */
    public int batchLimit(Lane lane, int configured) {
        return Math.min(configured, ceiling.getOrDefault(lane, Integer.MAX_VALUE));
    }

    /**
     * Generates for every request, in as few model calls as fit.
     *
     * @param listener tokens, with {@code batchIndex} the position in {@code requests}
     * @return the studies that failed alone (empty when all succeeded)
     */
    public List<Failure> run(Lane lane, List<GenerationRequest> requests, GenerationOptions options,
                             TokenListener listener, ResultListener results) {
        List<Failure> failures = new ArrayList<>();
        int limit = batchLimit(lane, requests.size());
        for (int from = 0; from < requests.size(); from += limit) {
            List<Integer> chunk = new ArrayList<>();
            for (int i = from; i < Math.min(requests.size(), from + limit); i++) {
                chunk.add(i);
            }
            runChunk(lane, chunk, requests, options, listener, results, failures);
        }
        return failures;
    }

    private void runChunk(Lane lane, List<Integer> indices, List<GenerationRequest> requests, GenerationOptions options,
                          TokenListener listener, ResultListener results, List<Failure> failures) {
        List<GenerationRequest> chunk = new ArrayList<>(indices.size());
        for (int i : indices) {
            chunk.add(requests.get(i));
        }
        List<Generation> generations;
        long start = System.nanoTime();
        try {
            generations = model.generate(chunk, options,
                    (b, token, text) -> listener.onToken(indices.get(b), token, text));
            if (generations.size() != chunk.size()) {
                throw new IllegalStateException("model returned " + generations.size() + " results for " + chunk.size() + " requests");
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            handleFailure(lane, indices, requests, options, listener, results, failures, e);
            return;
        }
        long nanos = System.nanoTime() - start;
        recordSuccess(lane);
        results.onResults(indices, generations, nanos);
    }

    private void handleFailure(Lane lane, List<Integer> indices, List<GenerationRequest> requests, GenerationOptions options,
                               TokenListener listener, ResultListener results, List<Failure> failures, Throwable e) {
        boolean oom = isOutOfMemory(e);
        if (indices.size() == 1) {
            failures.add(new Failure(indices.get(0), e));
            return;
        }
        int half = indices.size() / 2;
        if (oom) {
            metrics.oomRetry(lane);
            ceiling.merge(lane, half, Math::min);
            successesSinceHalving.put(lane, 0);
            LOG.warnf("%s batch of %d ran out of memory (%s); retrying as %d + %d, lane ceiling now %d",
                    lane, indices.size(), e.getMessage(), half, indices.size() - half, ceiling.get(lane));
        } else {
            LOG.warnf(e, "%s batch of %d failed; splitting it to isolate the failing study", lane, indices.size());
        }
        runChunk(lane, indices.subList(0, half), requests, options, listener, results, failures);
        runChunk(lane, indices.subList(half, indices.size()), requests, options, listener, results, failures);
    }

    private void recordSuccess(Lane lane) {
        Integer c = ceiling.get(lane);
        if (c == null) {
            return;
        }
        int n = successesSinceHalving.merge(lane, 1, Integer::sum);
        if (n >= recoveryBatches) {
            ceiling.put(lane, c * 2);
            successesSinceHalving.put(lane, 0);
            LOG.infof("%s: %d batches fitted since the last out-of-memory error; batch ceiling raised to %d", lane, n, c * 2);
        }
    }

    /** Java heap exhaustion or an accelerator's "out of memory" (CUDA, DJL EngineException...). */
    public static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String name = t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            String msg = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (name.contains("outofmemory") || msg.contains("out of memory") || msg.contains("cuda_error_out_of_memory")) {
                return true;
            }
        }
        return false;
    }
}

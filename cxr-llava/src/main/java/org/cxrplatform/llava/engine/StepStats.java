package org.cxrplatform.llava.engine;

import org.cxrplatform.llava.model.Transfers;

/**
 * What one engine step computed, for benchmarks and metrics.
 *
 * @param step         its number
 * @param rows         token rows of the forward pass
 * @param decodeRows   one-token rows (every slot up to the highest occupied one, idle slots included)
 * @param prefillRows  prompt positions prefilled (or recomputed without a KV cache)
 * @param tokens       tokens generated (sequences that produced one)
 * @param admitted     requests admitted in this step
 * @param transfers    copies between Java and the device in this step, admissions included
 * @param nanos        wall time of the step
 */
public record StepStats(
        long step,
        int rows,
        int decodeRows,
        int prefillRows,
        int tokens,
        int admitted,
        Transfers.Counts transfers,
        long nanos) {}

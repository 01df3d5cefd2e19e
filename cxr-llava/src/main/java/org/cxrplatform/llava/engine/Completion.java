package org.cxrplatform.llava.engine;

import org.cxrplatform.llava.Generation;

/**
 * A finished request. Steps are the engine's step numbers ({@link Engine#step()}); times are wall
 * clock: queued = submit → admission, vision = its image's encoding, prefill = admission → first
 * token (chunks shared with other work), decode = first token → last. A request cancelled before
 * admission has no tokens and steps −1.
 *
 * @param generatedIds the new tokens, with the EOS token last when the model stopped on it
 * @param text         the generated text without special tokens
 */
public record Completion(
        long requestId,
        String prompt,
        int[] inputIds,
        int[] generatedIds,
        String text,
        StopReason stopReason,
        int imageTokens,
        long admittedAtStep,
        long finishedAtStep,
        long queuedMs,
        long visionMs,
        long prefillMs,
        long decodeMs) {

    /** The result in the shape {@link org.cxrplatform.llava.CxrLlava#generate} returns. */
    public Generation toGeneration() {
        return new Generation(prompt, inputIds, generatedIds, text, imageTokens, visionMs, prefillMs, decodeMs);
    }
}

package org.cxrplatform.llava;

/**
 * One row's result. {@code inputIds} hold {@code -200} where the image goes; {@code generatedIds}
 * include the EOS token when generation stopped on it; {@code text} skips special tokens. Timings
 * are those of the batch call the row ran in.
 */
public record Generation(
        String prompt,
        int[] inputIds,
        int[] generatedIds,
        String text,
        int imageTokens,
        long visionMs,
        long prefillMs,
        long decodeMs) {}

package org.cxrplatform.evaluation.run;

/**
 * One model report, as appended to {@code generations.jsonl}.
 *
 * @param source identifies the model (id and weights digest) that wrote it; a resumed run refuses
 *               a log written by another model
 */
public record Generated(
        String id,
        String image,
        String source,
        String report,
        int imageTokens,
        int generatedTokens,
        long visionMs,
        long prefillMs,
        long decodeMs) {}

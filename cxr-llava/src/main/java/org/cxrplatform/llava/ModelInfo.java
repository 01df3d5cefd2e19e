package org.cxrplatform.llava;

/** What a loaded model is, for logs and report provenance. */
public record ModelInfo(
        String modelId,
        String weightsDigest,
        String modelType,
        int imageSize,
        int imageTokens,
        int hiddenSize,
        int layers,
        int vocabSize,
        long parameterCount) {}

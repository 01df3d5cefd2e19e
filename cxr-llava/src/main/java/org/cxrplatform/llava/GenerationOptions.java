package org.cxrplatform.llava;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Decoding settings of one request.
 *
 * @param maxNewTokens at most this many new tokens; ≤ 0 means the reference's
 *     {@code min(512, 2048 - prompt length - 1)} (prompt length counts the image tokens); never
 *     more than the engine's positions per sequence minus the prompt length
 * @param temperature 0 = greedy (argmax); otherwise logits / temperature, then top-p
 * @param topP nucleus size in (0, 1]; ignored when greedy
 * @param seed seeds the request's own random stream, so a request samples the same alone, in a
 *     batch and whenever it is admitted; derive it from the study with {@link #forStudy}
 * @param useKvCache false recomputes the whole sequence every step (slow; for parity checks)
 * @param repetitionGuard when to stop a looping sequence; {@link RepetitionGuard#OFF} = never
 */
public record GenerationOptions(
        int maxNewTokens,
        float temperature,
        float topP,
        long seed,
        boolean useKvCache,
        RepetitionGuard repetitionGuard) {

    public GenerationOptions {
        if (temperature < 0 || Float.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature must be ≥ 0, got " + temperature);
        }
        if (temperature > 0 && !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        repetitionGuard = repetitionGuard == null ? RepetitionGuard.OFF : repetitionGuard;
    }

    public GenerationOptions(int maxNewTokens, float temperature, float topP, long seed, boolean useKvCache) {
        this(maxNewTokens, temperature, topP, seed, useKvCache, RepetitionGuard.OFF);
    }

    public GenerationOptions(int maxNewTokens, float temperature, float topP, long seed) {
        this(maxNewTokens, temperature, topP, seed, true, RepetitionGuard.OFF);
    }

    /** Argmax decoding, no repetition guard: exactly the reference's greedy loop (parity checks). */
    public static GenerationOptions greedy() {
        return new GenerationOptions(0, 0f, 1f, 0L, true, RepetitionGuard.OFF);
    }

    /** The reference's sampling settings for reports, temperature 0.2 and top_p 0.8, nothing else. */
    public static GenerationOptions referenceSampling(long seed) {
        return new GenerationOptions(0, 0.2f, 0.8f, seed, true, RepetitionGuard.OFF);
    }

    /**
     * What reports are written with by default: the reference's sampling settings (temperature 0.2,
     * top_p 0.8) plus {@link RepetitionGuard#REPORT}. Give each study its own seed ({@link #forStudy}).
     */
    public static GenerationOptions reportDefaults(long seed) {
        return referenceSampling(seed).withRepetitionGuard(RepetitionGuard.REPORT);
    }

    public GenerationOptions withMaxNewTokens(int n) {
        return new GenerationOptions(n, temperature, topP, seed, useKvCache, repetitionGuard);
    }

    public GenerationOptions withKvCache(boolean on) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, on, repetitionGuard);
    }

    public GenerationOptions withRepetitionGuard(RepetitionGuard guard) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, useKvCache, guard);
    }

    public GenerationOptions withSeed(long newSeed) {
        return new GenerationOptions(maxNewTokens, temperature, topP, newSeed, useKvCache, repetitionGuard);
    }

    /**
     * These settings with a seed derived from {@code studyKey} (e.g. the Study Instance UID) and this
     * seed: the same study and settings give the same report on every run and replica, and two
     * studies draw from different random streams. The first 8 bytes of SHA-256(seed, key).
     */
    public GenerationOptions forStudy(String studyKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 7; i >= 0; i--) {
                sha.update((byte) (seed >>> (8 * i)));
            }
            byte[] d = sha.digest(studyKey.getBytes(StandardCharsets.UTF_8));
            long derived = 0;
            for (int i = 0; i < 8; i++) {
                derived = (derived << 8) | (d[i] & 0xff);
            }
            return withSeed(derived);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public boolean greedyDecoding() {
        return temperature == 0f;
    }
}

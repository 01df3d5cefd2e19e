package org.cxrplatform.llava.engine;

/** Why a sequence ended. */
public enum StopReason {
    /** The model produced the end-of-sequence token (kept as the last generated id). */
    EOS,
    /** The request's max_new_tokens were generated. */
    MAX_NEW_TOKENS,
    /** The request's {@link org.cxrplatform.llava.RepetitionGuard} saw a run of tokens repeat. */
    REPETITION,
    /** Cancelled by the caller; the ids generated until then are kept. */
    CANCELLED
}

package org.cxrplatform.llava.engine;

/**
 * Events of one request, called on the thread that runs {@link Engine#step()}, in order: admitted,
 * then one {@code onToken} per generated token, then exactly one of {@code onComplete} or
 * {@code onFailed}. Keep them short (they run inside the engine's step) and never call
 * {@code step()} from them. An exception thrown by a listener fails that request only.
 */
public interface GenerationListener {

    /** The request got a slot at step {@code step}; its prefill starts in this step. */
    default void onAdmitted(RequestHandle request, long step) {}

    /**
     * A new token. {@code textPiece} is the text it adds (O(1) per token, no re-decoding): empty while
     * a multi-byte character is incomplete or for special tokens; the pieces concatenated are the
     * completion's text.
     */
    default void onToken(RequestHandle request, int tokenId, String textPiece) {}

    default void onComplete(RequestHandle request, Completion completion) {}

    /** The request could not be run (bad input found late, a device error in its step, engine closed). */
    default void onFailed(RequestHandle request, Throwable error) {}
}

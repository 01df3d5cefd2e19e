package org.cxrplatform.llava;

/** Streaming: called on the generating thread after each new token of each row. */
@FunctionalInterface
public interface TokenListener {
    void onToken(int batchIndex, int tokenId, String textSoFar);
}

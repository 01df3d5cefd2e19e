package org.cxrplatform.llava;

/** One earlier exchange of a multi-turn chat about the same image. */
public record Turn(String user, String assistant) {
    public Turn {
        if (user == null || assistant == null) {
            throw new IllegalArgumentException("a turn needs both the user's and the assistant's text");
        }
    }
}

package org.cxrplatform.llava.engine;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Text of a growing token sequence, one piece per token, without re-decoding the sequence: each
 * token decodes only the short window since the last emitted piece (the previous piece's tokens plus
 * the new ones), and the piece is what that window's text gained. Decoding a window and its tail
 * together keeps the tokenizer's context rules (a leading "▁" stripped only at the very start).
 * Byte-fallback tokens are held back until a token of another kind ends their run: the decoder
 * turns a run into text as a whole (a multi-byte character, or one U+FFFD per byte when the run is
 * not valid UTF-8), so text streamed from inside a run could later change. Skipped special tokens
 * do not end a run (decoding drops them first) and are held back too. O(1) per token for ordinary
 * text; a run costs its length.
 */
final class IncrementalDetokenizer {

    private final Function<int[], String> decode;
    private final IntPredicate runToken;
    private int[] ids = new int[32];
    private int size;
    private int prefix; // start of the window: the tokens of the last emitted piece
    private int read; // end of the last emitted piece
    private int emittedChars;
    private final StringBuilder emitted = new StringBuilder();

    /**
     * @param decode    ids → text without special tokens, as the tokenizer decodes a whole sequence
     * @param runToken  which ids may belong to an unfinished byte run: byte-fallback and skipped special tokens
     */
    IncrementalDetokenizer(Function<int[], String> decode, IntPredicate runToken) {
        this.decode = decode;
        this.runToken = runToken;
    }

    /** Adds a token; returns the text it completes (possibly empty). */
    String next(int token) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = token;
        if (runToken.test(token)) {
            return ""; // a byte run may go on
        }
        String before = decode.apply(Arrays.copyOfRange(ids, prefix, read));
        String now = decode.apply(Arrays.copyOfRange(ids, prefix, size));
        if (now.length() <= before.length()) {
            return "";
        }
        String piece = now.substring(before.length());
        prefix = read;
        read = size;
        emit(piece);
        return piece;
    }

    /** At the end: whatever the whole sequence's text holds beyond the pieces (a trailing byte run). */
    String rest(String wholeText) {
        if (wholeText.length() <= emittedChars || !wholeText.startsWith(emitted.toString())) {
            return "";
        }
        String piece = wholeText.substring(emittedChars);
        emit(piece);
        return piece;
    }

    private void emit(String piece) {
        emitted.append(piece);
        emittedChars += piece.length();
    }

    /** The pieces emitted so far, concatenated. */
    String emitted() {
        return emitted.toString();
    }
}

package org.cxrplatform.llava.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.generate.PromptEncoder;

/** One request inside the engine: its inputs, where it stands, and what it generated. Engine thread only. */
final class Sequence {

    enum State {
        WAITING,
        PREFILLING,
        DECODING
    }

    final RequestHandle handle;
    final PromptEncoder.Prepared prepared;
    final GenerationOptions options;
    final GenerationListener listener;
    final int promptLength;
    final int maxNew;
    final long submittedNanos = System.nanoTime();
    final IncrementalDetokenizer detokenizer;
    final RepetitionWatch repetition;

    State state = State.WAITING;
    int slot = -1;
    int prefilled; // prompt positions already in the cache
    int[] generated = new int[16];
    int count; // tokens generated
    NDManager manager; // owns the prompt embeddings while the request holds its slot
    NDArray prompt; // [L,D] on the device
    long admittedAtStep = -1;
    long admittedNanos;
    long visionNanos;
    long firstTokenNanos;

    Sequence(
            RequestHandle handle,
            PromptEncoder.Prepared prepared,
            GenerationOptions options,
            GenerationListener listener,
            int promptLength,
            int maxNew,
            IncrementalDetokenizer detokenizer) {
        this.handle = handle;
        this.prepared = prepared;
        this.options = options;
        this.listener = listener == null ? new GenerationListener() {} : listener;
        this.promptLength = promptLength;
        this.maxNew = maxNew;
        this.detokenizer = detokenizer;
        this.repetition = new RepetitionWatch(options.repetitionGuard());
    }

    boolean cached() {
        return options.useKvCache();
    }

    /** Decodes its next token as a one-token row against the cache. */
    boolean decodesFromCache() {
        return state == State.DECODING && cached();
    }

    /** Position the next generated token takes: the prompt, then the tokens so far. */
    int producedPosition() {
        return promptLength + count;
    }

    void append(int token) {
        if (count == generated.length) {
            generated = Arrays.copyOf(generated, count * 2);
        }
        generated[count++] = token;
    }

    int[] generatedIds() {
        return Arrays.copyOf(generated, count);
    }

    /** Frees what the request holds on the device (idempotent). */
    void releaseDeviceMemory() {
        if (manager != null) {
            manager.close();
            manager = null;
            prompt = null;
        }
    }
}

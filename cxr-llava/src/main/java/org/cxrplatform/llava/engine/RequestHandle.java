package org.cxrplatform.llava.engine;

import java.util.concurrent.CompletableFuture;

/**
 * A submitted request: its result (completed normally, also when cancelled, or exceptionally when
 * it failed) and a way to cancel it. Thread-safe.
 */
public final class RequestHandle {

    private final long id;
    private final int priority;
    private final CompletableFuture<Completion> result = new CompletableFuture<>();
    private final Engine engine;

    RequestHandle(long id, int priority, Engine engine) {
        this.id = id;
        this.priority = priority;
        this.engine = engine;
    }

    /** The engine's number for this request, in submission order. */
    public long id() {
        return id;
    }

    /** Lower runs first; 0 is the most urgent (and may use the reserved slots). */
    public int priority() {
        return priority;
    }

    public CompletableFuture<Completion> result() {
        return result;
    }

    /**
     * Ends the request at the next step boundary: a waiting request is dropped, a running one is
     * released with the tokens it has (stop reason {@link StopReason#CANCELLED}).
     */
    public void cancel() {
        engine.cancel(this);
    }

    public boolean isDone() {
        return result.isDone();
    }

    @Override
    public String toString() {
        return "request " + id + " (priority " + priority + ")";
    }
}

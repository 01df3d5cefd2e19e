package org.cxrplatform.inference.model;

import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.ModelInfo;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;

/**
 * The continuous-batching engine of cxr-llava ({@link org.cxrplatform.llava.engine.Engine}) as the
 * inference loop drives it: studies are submitted one by one and join the running batch at the
 * next {@link #step()}. An interface so a test can wrap the real engine to simulate what cannot
 * happen here (a GPU out-of-memory error, a native abort, a GPU-sized step time). Called from one
 * loop thread.
 */
public interface ReportModel extends AutoCloseable {

    ModelInfo info();

    /** Prompt/task text version the reports are written with. */
    String promptVersion();

    /** Sequences the engine decodes together at most: its memory budget's slots. */
    int slots();

    /** Slots only priority-0 (STAT) requests may take. */
    int reservedSlots();

    /**
     * Queues a study for admission at the next step, priority 0 first.
     *
     * @throws IllegalArgumentException for a request the engine cannot run (a prompt longer than its context)
     */
    RequestHandle submit(
            GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener);

    /** One engine step: admissions, one forward pass, a token for every running study; listeners run inside it. */
    boolean step();

    @Override
    void close();
}

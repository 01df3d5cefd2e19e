package org.cxrplatform.inference.model;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.ModelInfo;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;

/** {@link ReportModel} backed by the cxr-llava library's engine. */
public final class CxrLlavaReportModel implements ReportModel {

    private final CxrLlava model;
    private final Engine engine;

    private CxrLlavaReportModel(CxrLlava model) {
        this.model = model;
        this.engine = model.engine();
    }

    /**
     * Loads a checkpoint folder and starts its engine (KV cache sized by the engine's memory budget).
     * Throws what the library refuses with, in one line: {@link org.cxrplatform.llava.CheckpointException}
     * for a folder that is not a checkpoint, {@link IllegalArgumentException} for a device or dtype
     * setting it does not accept, {@link org.cxrplatform.llava.SetupException} for natives that cannot
     * run the device or a memory budget that does not hold the configured slots.
     */
    public static CxrLlavaReportModel load(Path modelDir, RuntimeOptions options, EngineConfig engineConfig) {
        return withLibraryClassLoader(() -> new CxrLlavaReportModel(CxrLlava.load(modelDir, options, engineConfig)));
    }

    /**
     * Runs library code with the library's class loader as context class loader: Jinjava's EL
     * implementation (prompt rendering in {@code submit}) loads its tree builder through the context
     * class loader, and under Quarkus' class loaders a thread's inherited one can hold a second copy
     * of it (ClassCastException).
     */
    private static <T> T withLibraryClassLoader(Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(CxrLlava.class.getClassLoader());
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public ModelInfo info() {
        return model.info();
    }

    @Override
    public String promptVersion() {
        return CxrLlava.PROMPT_VERSION;
    }

    @Override
    public int slots() {
        return engine.budget().slots();
    }

    @Override
    public int reservedSlots() {
        return engine.config().reservedSlots();
    }

    @Override
    public RequestHandle submit(
            GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
        return withLibraryClassLoader(() -> engine.submit(request, options, priority, listener));
    }

    @Override
    public boolean step() {
        return engine.step();
    }

    @Override
    public void close() {
        model.close();
    }
}

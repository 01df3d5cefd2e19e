package org.cxrplatform.inference.model;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.ModelInfo;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.TokenListener;

/** {@link ReportModel} backed by the cxr-llava library. */
public final class CxrLlavaReportModel implements ReportModel {

    private final CxrLlava model;

    private CxrLlavaReportModel(CxrLlava model) {
        this.model = model;
    }

    /** Loads a checkpoint folder; throws {@link org.cxrplatform.llava.CheckpointException} when it is not one. */
    public static CxrLlavaReportModel load(Path modelDir, RuntimeOptions options) {
        return withLibraryClassLoader(() -> new CxrLlavaReportModel(CxrLlava.load(modelDir, options)));
    }

    /**
     * Runs library code with the library's class loader as context class loader: Jinjava's EL
     * implementation loads its tree builder through the context class loader, and under Quarkus'
     * class loaders a thread's inherited one can hold a second copy of it (ClassCastException).
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
    public List<Generation> generate(List<GenerationRequest> batch, GenerationOptions options, TokenListener listener) {
        return withLibraryClassLoader(() -> model.generate(batch, options, listener));
    }

    @Override
    public void close() {
        model.close();
    }
}

package org.cxrplatform.inference.model;

import java.util.List;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.ModelInfo;
import org.cxrplatform.llava.TokenListener;

/**
 * The one model call inference needs, as {@link org.cxrplatform.llava.CxrLlava} offers it. Exists
 * so a test can wrap the real model to simulate what cannot happen here (a GPU out-of-memory
 * error). One caller at a time.
 */
public interface ReportModel extends AutoCloseable {

    ModelInfo info();

    /** Prompt/task text version the reports are written with. */
    String promptVersion();

    /** One model call for the whole batch; results in request order. */
    List<Generation> generate(List<GenerationRequest> batch, GenerationOptions options, TokenListener listener);

    @Override
    void close();
}

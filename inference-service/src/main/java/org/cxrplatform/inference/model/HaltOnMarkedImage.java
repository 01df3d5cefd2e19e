package org.cxrplatform.inference.model;

import java.util.List;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.ModelInfo;
import org.cxrplatform.llava.TokenListener;
import org.jboss.logging.Logger;

/**
 * Test-only hook: with the JVM system property {@value #PROPERTY}{@code =<width>} a model call
 * holding an image of that width halts the JVM at once ({@link Runtime#halt}, exit code
 * {@value #EXIT_CODE}: no shutdown hooks, no commit, the consumers never leave their groups), the
 * way a SIGSEGV in libtorch or the OOM killer ends the process. Only
 * {@code ProcessHaltInModelTest} sets the property, on the command line of the packaged service it
 * starts; it is deliberately not a {@code cxr.*} config key, so no properties file or environment
 * variable can switch it on. Without the property the model is used as is.
 */
final class HaltOnMarkedImage implements ReportModel {

    static final String PROPERTY = "cxr.test.halt-in-model-on-image-width";
    static final int EXIT_CODE = 134;
    private static final Logger LOG = Logger.getLogger(HaltOnMarkedImage.class);

    private final ReportModel model;
    private final int width;

    private HaltOnMarkedImage(ReportModel model, int width) {
        this.model = model;
        this.width = width;
    }

    static ReportModel wrapIfRequested(ReportModel model) {
        String width = System.getProperty(PROPERTY);
        if (width == null) {
            return model;
        }
        LOG.warnf("TEST HOOK %s=%s: the JVM halts inside any model call with an image %s pixels wide", PROPERTY, width, width);
        return new HaltOnMarkedImage(model, Integer.parseInt(width.trim()));
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> batch, GenerationOptions options, TokenListener listener) {
        if (batch.stream().anyMatch(r -> r.image().getWidth() == width)) {
            Runtime.getRuntime().halt(EXIT_CODE);
        }
        return model.generate(batch, options, listener);
    }

    @Override
    public ModelInfo info() {
        return model.info();
    }

    @Override
    public String promptVersion() {
        return model.promptVersion();
    }

    @Override
    public void close() {
        model.close();
    }
}

package org.cxrplatform.inference.model;

import java.util.ArrayList;
import java.util.List;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.ModelInfo;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;
import org.jboss.logging.Logger;

/**
 * Test-only hook: with the JVM system property {@value #PROPERTY}{@code =<width>} an engine step
 * taken while a study with an image of that width is in the engine halts the JVM at once
 * ({@link Runtime#halt}, exit code {@value #EXIT_CODE}: no shutdown hooks, no commit, the
 * consumers never leave their groups), the way a SIGSEGV in libtorch or the OOM killer ends the
 * process. Only {@code ProcessHaltInModelTest} sets the property, on the command line of the
 * packaged service it starts; it is deliberately not a {@code cxr.*} config key, so no properties
 * file or environment variable can switch it on. Without the property the model is used as is.
 */
final class HaltOnMarkedImage implements ReportModel {

    static final String PROPERTY = "cxr.test.halt-in-model-on-image-width";
    static final int EXIT_CODE = 134;
    private static final Logger LOG = Logger.getLogger(HaltOnMarkedImage.class);

    private final ReportModel model;
    private final int width;
    private final List<RequestHandle> marked = new ArrayList<>();

    private HaltOnMarkedImage(ReportModel model, int width) {
        this.model = model;
        this.width = width;
    }

    static ReportModel wrapIfRequested(ReportModel model) {
        String width = System.getProperty(PROPERTY);
        if (width == null) {
            return model;
        }
        LOG.warnf(
                "TEST HOOK %s=%s: the JVM halts in any engine step with an image %s pixels wide in the engine",
                PROPERTY, width, width);
        return new HaltOnMarkedImage(model, Integer.parseInt(width.trim()));
    }

    @Override
    public RequestHandle submit(
            GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
        RequestHandle handle = model.submit(request, options, priority, listener);
        if (request.image().getWidth() == width) {
            marked.add(handle);
        }
        return handle;
    }

    @Override
    public boolean step() {
        marked.removeIf(RequestHandle::isDone);
        if (!marked.isEmpty()) {
            Runtime.getRuntime().halt(EXIT_CODE);
        }
        return model.step();
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
    public int slots() {
        return model.slots();
    }

    @Override
    public int reservedSlots() {
        return model.reservedSlots();
    }

    @Override
    public void close() {
        model.close();
    }
}

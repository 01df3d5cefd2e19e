package org.cxrplatform.inference;

import org.cxrplatform.inference.model.CxrLlavaReportModel;
import org.cxrplatform.inference.model.ModelService;
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.BundledModel;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.RuntimeOptions;

/** The real cxr-llava library with its bundled tiny model, loaded once per test JVM. */
public final class TinyModel {

    /** Short reports keep the tests quick; everything else is the service's default (greedy). */
    public static final GenerationOptions OPTIONS = new GenerationOptions(32, 0f, 1f, 0L);

    private static ReportModel model;

    private TinyModel() {
    }

    public static synchronized ReportModel get() {
        if (model == null) {
            ModelService.cpuThreads(1); // the service's default
            model = CxrLlavaReportModel.load(BundledModel.extractToTempDir(), RuntimeOptions.cpu());
        }
        return model;
    }
}

package org.cxrplatform.inference;

import java.nio.file.Path;
import org.cxrplatform.inference.model.CxrLlavaReportModel;
import org.cxrplatform.inference.model.ModelService;
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.BundledModel;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.engine.EngineConfig;

/**
 * The real cxr-llava library with its bundled tiny model. Each worker gets an engine of its own,
 * as each replica process has: a worker that dies in a test leaves its studies in its own engine.
 */
public final class TinyModel {

    /** The service's report settings (temperature 0.2, top-p 0.8, repetition guard), with short reports to keep the tests quick. */
    public static final GenerationOptions OPTIONS =
            GenerationOptions.reportDefaults(0).withMaxNewTokens(32);

    /** The service's engine defaults (application.properties): 16 slots, one kept for STAT. */
    public static final EngineConfig ENGINE = EngineConfig.defaults().withReservedSlots(1);

    private static Path dir;

    private TinyModel() {}

    /** A freshly loaded model with its own engine; close it when done. */
    public static synchronized ReportModel load() {
        if (dir == null) {
            ModelService.cpuThreads(1); // the service's default
            dir = BundledModel.extractToTempDir();
        }
        return CxrLlavaReportModel.load(dir, RuntimeOptions.cpu(), ENGINE);
    }
}

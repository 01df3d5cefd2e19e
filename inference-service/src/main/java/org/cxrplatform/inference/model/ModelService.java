package org.cxrplatform.inference.model;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.inference.config.GenerationConfig;
import org.cxrplatform.inference.config.ModelConfig;
import org.cxrplatform.inference.pipeline.InferenceWorker;
import org.cxrplatform.llava.BundledModel;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.RuntimeOptions;
import org.jboss.logging.Logger;

/**
 * Owns the loaded model: loads it once from {@code cxr.model.dir} (or the tiny model bundled with
 * cxr-llava) on the device and dtype configured, and knows its identity and generation mode.
 * Thread-safe; {@link #load()} is idempotent.
 */
@ApplicationScoped
public class ModelService {

    private static final Logger LOG = Logger.getLogger(ModelService.class);

    /** What GET /model shows while loading, after a failure, or once loaded. */
    public enum State { LOADING, LOADED, FAILED }

    @Inject
    ModelConfig config;

    @Inject
    GenerationConfig generation;

    private volatile State state = State.LOADING;
    private volatile ReportModel model;
    private volatile ModelIdentity identity;
    private volatile Path modelDir;
    private volatile String error;
    private volatile long loadMillis;

    /** Loads the model if not loaded yet; throws (and remembers why) when it cannot. */
    public synchronized ReportModel load() {
        if (model != null) {
            return model;
        }
        long start = System.currentTimeMillis();
        state = State.LOADING;
        try {
            RuntimeOptions runtime = new RuntimeOptions(config.device(), config.dtype());
            cpuThreads(config.cpuThreads());
            Path dir = config.dir().filter(s -> !s.isBlank()).map(Path::of).orElse(null);
            if (dir == null) {
                dir = BundledModel.extractToTempDir();
                LOG.infof("cxr.model.dir not set: using the bundled demo model %s (random weights, meaningless text)", BundledModel.NAME);
            } else if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("cxr.model.dir: " + dir + " is not a folder");
            }
            modelDir = dir;
            ReportModel loaded = HaltOnMarkedImage.wrapIfRequested(CxrLlavaReportModel.load(dir, runtime));
            identity = InferenceWorker.identityOf(loaded, generationLabel());
            model = loaded;
            loadMillis = System.currentTimeMillis() - start;
            state = State.LOADED;
            LOG.infof("model %s loaded from %s on %s/%s in %d ms (%d parameters, generation %s)", identity.version(), dir,
                    runtime.device(), runtime.dtype(), loadMillis, loaded.info().parameterCount(), identity.generation());
            return loaded;
        } catch (RuntimeException e) {
            state = State.FAILED;
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            throw e;
        }
    }

    /** Sets DJL's PyTorch thread counts, read once when the engine starts; explicit -D settings win. */
    public static void cpuThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("cxr.model.cpu-threads must be >= 0, was " + threads);
        }
        if (threads > 0) {
            if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            }
            if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
            }
        }
    }

    /** Generation settings from {@code cxr.generation.*}; validated by the library. */
    public GenerationOptions generationOptions() {
        GenerationConfig g = generation;
        try {
            return new GenerationOptions(g.maxNewTokens().orElse(0), g.temperature(), g.topP(), g.seed());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cxr.generation: " + e.getMessage(), e);
        }
    }

    /** "greedy" or "sample(t=…,p=…,seed=…)", as {@link ModelIdentity#generation()} documents. */
    public String generationLabel() {
        GenerationConfig g = generation;
        return g.temperature() == 0f ? "greedy"
                : String.format(Locale.ROOT, "sample(t=%s,p=%s,seed=%d)", g.temperature(), g.topP(), g.seed());
    }

    public State state() {
        return state;
    }

    public ReportModel model() {
        return model;
    }

    public ModelIdentity identity() {
        return identity;
    }

    public Path modelDir() {
        return modelDir;
    }

    public String error() {
        return error;
    }

    public long loadMillis() {
        return loadMillis;
    }

    @PreDestroy
    void close() {
        ReportModel m = model;
        if (m != null) {
            m.close();
        }
    }
}

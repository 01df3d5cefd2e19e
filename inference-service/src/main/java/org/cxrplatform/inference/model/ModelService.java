package org.cxrplatform.inference.model;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.inference.config.EngineSettings;
import org.cxrplatform.inference.config.GenerationConfig;
import org.cxrplatform.inference.config.ModelConfig;
import org.cxrplatform.inference.pipeline.InferenceWorker;
import org.cxrplatform.inference.pipeline.WorkerSettings;
import org.cxrplatform.llava.BundledModel;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.RepetitionGuard;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.engine.EngineConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Owns the loaded model: loads it once from {@code cxr.model.dir} (or the tiny model bundled with
 * cxr-llava) on the device and dtype configured, starts its engine with the {@code cxr.engine.*}
 * settings, and knows its identity and generation mode. What the library refuses at start-up (a
 * GPU asked of CPU natives, bf16 on the CPU, a memory budget too small for the slots and context,
 * a folder that is not a checkpoint) becomes {@link #error()}: one line, shown by readiness.
 * Thread-safe; {@link #load()} is idempotent.
 */
@ApplicationScoped
public class ModelService {

    private static final Logger LOG = Logger.getLogger(ModelService.class);

    /** What GET /model shows while loading, after a failure, or once loaded. */
    public enum State {
        LOADING,
        LOADED,
        FAILED
    }

    @Inject
    ModelConfig config;

    @Inject
    GenerationConfig generation;

    @Inject
    EngineSettings engine;

    /** The lanes this replica reads: a replica without both keeps no engine slot for STAT. */
    @ConfigProperty(name = "cxr.inference.lanes")
    List<String> lanes;

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
                LOG.infof(
                        "cxr.model.dir not set: using the bundled demo model %s (random weights, meaningless text)",
                        BundledModel.NAME);
            } else if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("cxr.model.dir: " + dir + " is not a folder");
            }
            modelDir = dir;
            ReportModel loaded = HaltOnMarkedImage.wrapIfRequested(CxrLlavaReportModel.load(
                    dir,
                    runtime,
                    engineConfig(engine, WorkerSettings.parseLanes(lanes).size() == 2)));
            identity = InferenceWorker.identityOf(loaded, generationLabel());
            model = loaded;
            loadMillis = System.currentTimeMillis() - start;
            state = State.LOADED;
            LOG.infof(
                    "model %s loaded from %s on %s/%s in %d ms (%d parameters, generation %s, %d engine slots)",
                    identity.version(),
                    dir,
                    runtime.device(),
                    runtime.dtype(),
                    loadMillis,
                    loaded.info().parameterCount(),
                    identity.generation(),
                    loaded.slots());
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

    /**
     * The engine's configuration from {@code cxr.engine.*}, each bad value named by its key. A
     * replica that does not read both lanes keeps no slot for STAT.
     */
    static EngineConfig engineConfig(EngineSettings e, boolean bothLanes) {
        if (e.slots() < 1) {
            throw new IllegalArgumentException("cxr.engine.slots must be >= 1, was " + e.slots());
        }
        if (e.reservedStatSlots() < 0 || (bothLanes && e.reservedStatSlots() >= e.slots())) {
            throw new IllegalArgumentException(
                    "cxr.engine.reserved-stat-slots must be >= 0 and below cxr.engine.slots (" + e.slots() + "), was "
                            + e.reservedStatSlots());
        }
        if (e.prefillChunk() < 1) {
            throw new IllegalArgumentException("cxr.engine.prefill-chunk must be >= 1, was " + e.prefillChunk());
        }
        if (e.context() < 0) {
            throw new IllegalArgumentException(
                    "cxr.engine.context must be >= 0 (0 = the model's, at most 2048), was " + e.context());
        }
        long memory = e.memory().map(m -> m.asLongValue()).orElse(0L);
        if (e.memory().isPresent() && memory <= 0) {
            throw new IllegalArgumentException(
                    "cxr.engine.memory must be positive (or unset = automatic), was " + memory);
        }
        return new EngineConfig(
                e.slots(), e.context(), e.prefillChunk(), memory, bothLanes ? e.reservedStatSlots() : 0);
    }

    /** Generation settings from {@code cxr.generation.*}; validated by the library. Each study gets its own seed from them. */
    public GenerationOptions generationOptions() {
        GenerationConfig g = generation;
        try {
            return new GenerationOptions(
                    g.maxNewTokens().orElse(0),
                    g.temperature(),
                    g.topP(),
                    g.seed(),
                    true,
                    g.repetitionGuard() ? RepetitionGuard.REPORT : RepetitionGuard.OFF);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cxr.generation: " + e.getMessage(), e);
        }
    }

    /**
     * "greedy" or "sample(t=…,p=…,seed=…)", as {@link ModelIdentity#generation()} documents, with
     * ",guard=8x3" inside the parentheses when the repetition guard is on ("greedy(guard=8x3)"). The
     * seed is the configured one, which each study mixes with its image digest. Part of every report
     * id, so reports written with other settings are other reports.
     */
    public String generationLabel() {
        return labelOf(generationOptions());
    }

    static String labelOf(GenerationOptions g) {
        RepetitionGuard guard = g.repetitionGuard();
        String guarded = guard.enabled() ? "guard=" + guard.ngram() + "x" + guard.occurrences() : "";
        if (g.greedyDecoding()) {
            return guarded.isEmpty() ? "greedy" : "greedy(" + guarded + ")";
        }
        return String.format(
                Locale.ROOT,
                "sample(t=%s,p=%s,seed=%d%s)",
                g.temperature(),
                g.topP(),
                g.seed(),
                guarded.isEmpty() ? "" : "," + guarded);
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

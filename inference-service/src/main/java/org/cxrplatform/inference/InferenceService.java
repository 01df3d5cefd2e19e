package org.cxrplatform.inference;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.cxrplatform.contracts.KafkaClientSettings;
import org.cxrplatform.inference.config.InferenceConfig;
import org.cxrplatform.inference.config.RemovedSettings;
import org.cxrplatform.inference.model.ModelService;
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.inference.pipeline.FindingsReader;
import org.cxrplatform.inference.pipeline.InferenceMetrics;
import org.cxrplatform.inference.pipeline.InferenceWorker;
import org.cxrplatform.inference.pipeline.WorkerSettings;
import org.cxrplatform.llava.CheckpointException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the replica: refuses removed settings, loads the model and starts its engine off the
 * start-up thread (readiness stays DOWN meanwhile, and says why when the library refuses the
 * device, dtype or memory budget), then runs the {@link InferenceWorker} loop on its own thread.
 * On shutdown no new study starts; those in the engine finish and are committed, or — past
 * {@code cxr.inference.shutdown-timeout} — are left uncommitted and re-delivered to another replica.
 */
@ApplicationScoped
public class InferenceService {

    private static final Logger LOG = Logger.getLogger(InferenceService.class);

    @Inject
    InferenceConfig config;

    @Inject
    ModelService models;

    @Inject
    FindingsReader findings;

    @Inject
    MeterRegistry registry;

    /** Every {@code kafka.*} key (TLS, SASL, tuning) goes to the Kafka clients. */
    @Inject
    Config mpConfig;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "127.0.0.1:9092")
    String bootstrapServers;

    private volatile InferenceWorker worker;
    private volatile Thread thread;

    void onStart(@Observes StartupEvent event) {
        RemovedSettings.refuse(name -> mpConfig.getOptionalValue(name, String.class)
                .filter(v -> !v.isBlank())
                .isPresent());
        WorkerSettings settings = WorkerSettings.from(
                config,
                bootstrapServers,
                models.generationOptions(),
                KafkaClientSettings.from(mpConfig.getPropertyNames(), n -> mpConfig.getOptionalValue(n, String.class)));
        InferenceMetrics metrics = new InferenceMetrics(registry);
        thread = new Thread(() -> run(settings, metrics), "cxr-inference");
        thread.setDaemon(true); // a stuck batch must not keep the JVM alive past the shutdown timeout
        thread.start();
    }

    private void run(WorkerSettings settings, InferenceMetrics metrics) {
        ReportModel model;
        try {
            model = models.load();
        } catch (IllegalArgumentException | IllegalStateException | CheckpointException e) {
            // a refusal (device, dtype, memory budget, settings, checkpoint folder): the message says it all
            LOG.errorf("model not loaded, this replica stays not-ready: %s", e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.errorf(e, "model not loaded, this replica stays not-ready: %s", e.getMessage());
            return;
        }
        InferenceWorker w = new InferenceWorker(settings, model, models.identity(), findings, metrics);
        LOG.infof("deployment %s consumes %s", config.laneName().orElse("(unnamed)"), settings.lanes());
        worker = w;
        w.run();
    }

    void onStop(@Observes ShutdownEvent event) {
        InferenceWorker w = worker;
        if (w == null) {
            return;
        }
        w.requestStop();
        Duration timeout = config.shutdownTimeout();
        try {
            if (!w.awaitStop(timeout)) {
                LOG.warnf(
                        "studies still in the engine after %s; leaving their offsets uncommitted (they will be re-delivered)",
                        timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The running worker, or null before the model is loaded. */
    public InferenceWorker worker() {
        return worker;
    }
}

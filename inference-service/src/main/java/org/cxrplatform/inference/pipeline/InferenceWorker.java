package org.cxrplatform.inference.pipeline;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.inference.model.ReportModel;
import org.jboss.logging.Logger;

/**
 * One replica's inference: its lane consumers ({@link LaneConsumer}: fetching, commits in order per
 * partition, the in-flight guard), the loop that admits their studies into the continuous-batching
 * engine ({@link EngineLoop}) and the events each study turns into ({@link StudyOutputs}), all on the
 * single thread that calls {@link #run()}. A crash anywhere re-delivers every study whose outputs
 * were not acknowledged and committed; the re-run yields the same report ids.
 *
 * <p>Thread-safety: {@link #run()} on one thread; {@link #requestStop()}, {@link #awaitStop} and the
 * state getters from any thread.
 */
public final class InferenceWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(InferenceWorker.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration KAFKA_CHECK_TIMEOUT = Duration.ofSeconds(5);

    private final WorkerSettings settings;
    private final ReportModel model;
    private final ModelIdentity identity;
    private final FindingsReader findings;
    private final InferenceMetrics metrics;
    private final String instanceId;
    private final Map<Lane, LaneConsumer> lanes =
            new ConcurrentHashMap<>(); // read by assignedPartitions() from any thread
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean consuming;
    private volatile Throwable died;
    private volatile String kafkaError;
    private volatile Consumer<Lane> beforeCommit = lane -> {};

    public InferenceWorker(
            WorkerSettings settings,
            ReportModel model,
            ModelIdentity identity,
            FindingsReader findings,
            InferenceMetrics metrics) {
        this.settings = settings;
        this.model = model;
        this.identity = identity;
        this.findings = findings;
        this.metrics = metrics;
        this.instanceId = UUID.randomUUID().toString().substring(0, 8);
    }

    /** Model identity for a generation mode: what every output names as its author. */
    public static ModelIdentity identityOf(ReportModel model, String generationLabel) {
        return new ModelIdentity(
                model.info().modelId(), model.info().weightsDigest(), model.promptVersion(), generationLabel);
    }

    /** Thrown by test hooks to simulate the process dying; never caught by the loop. */
    public static final class SimulatedCrash extends Error {
        public SimulatedCrash(String message) {
            super(message);
        }
    }

    @Override
    public void run() {
        Thread.currentThread().setName("cxr-inference-" + instanceId);
        try (OutputPublisher publisher = new OutputPublisher(
                settings.bootstrapServers(),
                "cxr-inference-" + instanceId,
                settings.reportsTopic(),
                settings.alertsTopic(),
                settings.dlqTopic(),
                settings.kafkaClient())) {
            EngineLoop loop = new EngineLoop(
                    settings,
                    model,
                    new StudyOutputs(
                            publisher,
                            identity,
                            findings,
                            settings.criticalFindings(),
                            settings.maxAttempts(),
                            metrics),
                    metrics);
            for (Lane lane : Lane.values()) {
                if (settings.lanes().contains(lane)) {
                    LaneConsumer consumer = new LaneConsumer(
                            lane,
                            settings,
                            "cxr-inference-" + instanceId + "-" + lane.name().toLowerCase(),
                            model.slots(),
                            instanceId,
                            metrics,
                            loop::abandon,
                            l -> beforeCommit.accept(l));
                    lanes.put(lane, consumer);
                    loop.add(consumer);
                }
            }
            if (!awaitKafka()) {
                return;
            }
            consuming = true;
            LOG.infof(
                    "consuming lanes %s as %s (group %s), model %s, %d engine slots (%d kept for STAT)",
                    lanes.keySet(),
                    instanceId,
                    settings.groupId(),
                    identity.version(),
                    model.slots(),
                    settings.lanes().size() == 2 ? model.reservedSlots() : 0);
            while (running) {
                loop.turn(true);
            }
            while (!loop.idle()) {
                loop.turn(false);
            }
            LOG.infof("worker %s stopped: the studies in the engine finished and are committed", instanceId);
        } catch (Throwable t) {
            died = t;
            LOG.errorf(
                    t, "worker %s stopped: %s; uncommitted studies will be re-delivered", instanceId, t.getMessage());
            lanes.values().forEach(LaneConsumer::crashed);
            if (t instanceof Error && !(t instanceof SimulatedCrash)) {
                throw (Error) t;
            }
        } finally {
            consuming = false;
            lanes.values().forEach(LaneConsumer::close);
            stopped.countDown();
        }
    }

    /**
     * Waits until every lane's consumer can fetch its topic's metadata from the broker, so readiness
     * means Kafka is reachable with the configured security settings. Until then (broker down, a TLS
     * or SASL failure) it retries and {@link #kafkaError()} says why. False when stopped meanwhile.
     */
    private boolean awaitKafka() {
        while (running) {
            try {
                for (LaneConsumer l : lanes.values()) {
                    l.checkReachable(KAFKA_CHECK_TIMEOUT);
                }
                if (kafkaError != null) {
                    LOG.infof("Kafka reachable again at %s", settings.bootstrapServers());
                }
                kafkaError = null;
                return true;
            } catch (KafkaException e) {
                kafkaError = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.errorf(
                        "Kafka not usable at %s (security.protocol=%s; broker down, or TLS/SASL settings not matching the "
                                + "listener), not ready, retrying: %s",
                        settings.bootstrapServers(),
                        settings.kafkaClient().getOrDefault("security.protocol", "PLAINTEXT"),
                        kafkaError);
                try {
                    Thread.sleep(RETRY_PAUSE.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /** Asks the loop to stop: no new study starts; those in the engine finish and are committed. */
    public void requestStop() {
        running = false;
    }

    /** Waits for the loop to end; false when studies are still in the engine after the timeout. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True while the consumers are open and the loop runs. */
    public boolean consuming() {
        return consuming;
    }

    /** Why the broker cannot be used while the worker waits for it at start, or null. */
    public String kafkaError() {
        return kafkaError;
    }

    /** The error that ended the loop, or null. */
    public Throwable died() {
        return died;
    }

    /** Study partitions currently assigned to this worker, all lanes. */
    public Set<TopicPartition> assignedPartitions() {
        Set<TopicPartition> all = new HashSet<>();
        for (LaneConsumer l : lanes.values()) {
            all.addAll(l.assignedPartitions());
        }
        return all;
    }

    /** Short random id of this worker, in its Kafka client ids and thread name. */
    public String instanceId() {
        return instanceId;
    }

    /** Test hook, called after a study's outputs are acknowledged and before a commit moves its lane's offset past it. */
    public void beforeCommit(Consumer<Lane> hook) {
        this.beforeCommit = hook;
    }
}

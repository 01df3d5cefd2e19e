package org.cxrplatform.inference.pipeline;

import org.cxrplatform.contracts.KafkaClientSettings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cxrplatform.contracts.CriticalAlert;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Timings;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationRequest;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The consume → batch → generate → publish → commit loop of one replica.
 *
 * <p>One plain {@link KafkaConsumer} per lane (group {@code <groupId>-<lane>}, manual commits),
 * all driven by the single thread that calls {@link #run()}, because the model takes one caller
 * at a time. Each turn polls every lane without blocking the others, asks the
 * {@link LaneScheduler} which lane the next model call serves (STAT first, routine its configured
 * share), collects up to the lane's batch size or waits at most its max wait — a routine batch
 * being collected yields to a STAT study that arrives meanwhile — runs one model call, publishes
 * each report as soon as its call returns (alerts while tokens stream), waits for Kafka to
 * acknowledge every output, and only then commits the batch's offsets. A crash anywhere before
 * that commit re-delivers the batch; the re-run yields the same report ids.
 *
 * <p>Failures: an undecodable study goes straight to the dead-letter topic; a study the model
 * fails on is put back on its lane with an attempt count and dead-lettered after
 * {@code maxAttempts}; a failed publish rewinds the batch and retries it after a pause; a study
 * that kills the process inside the model is caught by the {@link InFlightGuard} (a marker
 * committed before each model call). The loop never stops on a bad message.
 *
 * <p>Thread-safety: {@link #run()} on one thread; {@link #requestStop()}, {@link #awaitStop} and
 * the state getters from any thread.
 */
public final class InferenceWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(InferenceWorker.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration KAFKA_CHECK_TIMEOUT = Duration.ofSeconds(5);

    private final WorkerSettings settings;
    private final ReportModel model;
    private final ModelIdentity identity;
    private final FindingsReader findings;
    private final InferenceMetrics metrics;
    private final String instanceId;
    private final StudyDecoder decoder = new StudyDecoder();
    private final LaneScheduler scheduler;
    private final BatchGenerator generator;
    private final Map<Lane, LaneState> lanes = new EnumMap<>(Lane.class);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean consuming;
    private volatile Throwable died;
    private volatile String kafkaError;
    private volatile Consumer<Lane> beforeCommit = lane -> { };
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

    public InferenceWorker(WorkerSettings settings, ReportModel model, ModelIdentity identity, FindingsReader findings,
                           InferenceMetrics metrics) {
        this.settings = settings;
        this.model = model;
        this.identity = identity;
        this.findings = findings;
        this.metrics = metrics;
        this.instanceId = UUID.randomUUID().toString().substring(0, 8);
        this.scheduler = new LaneScheduler(settings.lanes().size() == 2 ? settings.routineShare() : 0);
        this.generator = new BatchGenerator(model, metrics, settings.oomRecoveryBatches());
    }

    /** Model identity for a generation mode: what every output names as its author. */
    public static ModelIdentity identityOf(ReportModel model, String generationLabel) {
        return new ModelIdentity(model.info().modelId(), model.info().weightsDigest(), model.promptVersion(), generationLabel);
    }

    /** A study fetched from its lane, waiting for a model call. */
    private record Pending(ConsumerRecord<String, byte[]> record, long fetchedAtNanos) {
    }

    /** One lane's consumer, its in-flight guard and the studies fetched but not yet run. */
    private static final class LaneState {
        final Lane lane;
        final KafkaConsumer<String, byte[]> consumer;
        final InFlightGuard guard;
        final ArrayDeque<Pending> fetched = new ArrayDeque<>();
        final int maxFetched;
        boolean paused;

        LaneState(Lane lane, KafkaConsumer<String, byte[]> consumer, InFlightGuard guard, int maxFetched) {
            this.lane = lane;
            this.consumer = consumer;
            this.guard = guard;
            this.maxFetched = maxFetched;
        }

        void dropFetched(Collection<TopicPartition> partitions) {
            fetched.removeIf(p -> partitions.contains(Offsets.partitionOf(p.record())));
        }
    }

    /** One study of a batch on its way through the model. */
    private static final class Study {
        final ConsumerRecord<String, byte[]> record;
        final StudyEvent event;
        final GenerationRequest request;
        final CriticalFindingWatcher watcher;
        final String traceparent;

        Study(ConsumerRecord<String, byte[]> record, StudyDecoder.DecodedStudy decoded, CriticalFindingWatcher watcher) {
            this.record = record;
            this.event = decoded.event();
            this.request = GenerationRequest.report(decoded.image());
            this.watcher = watcher;
            this.traceparent = OutputPublisher.traceparentOf(record);
        }

        String reportId(ModelIdentity identity) {
            return ReportEvent.reportIdOf(event.studyInstanceUid(), event.sopInstanceUid(), identity);
        }
    }

    /** Thrown by the test hook to simulate the process dying; never caught by the loop. */
    public static final class SimulatedCrash extends Error {
        public SimulatedCrash(String message) {
            super(message);
        }
    }

    @Override
    public void run() {
        Thread.currentThread().setName("cxr-inference-" + instanceId);
        try (OutputPublisher publisher = new OutputPublisher(settings.bootstrapServers(), "cxr-inference-" + instanceId,
                settings.reportsTopic(), settings.alertsTopic(), settings.dlqTopic(), settings.kafkaClient())) {
            for (Lane lane : Lane.values()) {
                if (settings.lanes().contains(lane)) {
                    lanes.put(lane, openLane(lane));
                }
            }
            if (!awaitKafka()) {
                return;
            }
            consuming = true;
            LOG.infof("consuming lanes %s as %s (group %s), model %s", lanes.keySet(), instanceId, settings.groupId(), identity.version());
            while (running) {
                turn(publisher);
            }
            LOG.infof("worker %s stopped between batches; offsets of finished batches are committed", instanceId);
        } catch (Throwable t) {
            died = t;
            LOG.errorf(t, "worker %s stopped: %s; uncommitted studies will be re-delivered", instanceId, t.getMessage());
            if (t instanceof Error && !(t instanceof SimulatedCrash)) {
                throw (Error) t;
            }
        } finally {
            consuming = false;
            for (LaneState ls : lanes.values()) {
                try {
                    ls.consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                } catch (RuntimeException e) {
                    LOG.warnf("closing the %s consumer: %s", ls.lane, e.getMessage());
                }
            }
            stopped.countDown();
        }
    }

    private LaneState openLane(Lane lane) {
        WorkerSettings.BatchPolicy policy = settings.batch().get(lane);
        Map<String, Object> props = consumerConfig(settings, lane, "cxr-inference-" + instanceId + "-" + lane.name().toLowerCase());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        LaneState state = new LaneState(lane, consumer, new InFlightGuard(lane, consumer, settings.maxAttempts(), instanceId, metrics),
                Math.max(4 * policy.maxSize(), 16));
        consumer.subscribe(List.of(settings.topics().get(lane)), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                state.dropFetched(partitions);
                state.guard.onRevoked(partitions);
                assigned.removeAll(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                LOG.infof("%s: %s assigned %s", instanceId, lane, partitions);
                state.guard.onAssigned(partitions);
                assigned.addAll(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                state.dropFetched(partitions);
                state.guard.onRevoked(partitions);
                assigned.removeAll(partitions);
            }
        });
        return state;
    }

    /**
     * Waits until every lane's consumer can fetch its topic's metadata from the broker, so readiness
     * means Kafka is reachable with the configured security settings. Until then (broker down, a TLS
     * or SASL failure) it retries and {@link #kafkaError()} says why. False when stopped meanwhile.
     */
    private boolean awaitKafka() {
        while (running) {
            try {
                for (LaneState ls : lanes.values()) {
                    ls.consumer.partitionsFor(settings.topics().get(ls.lane), KAFKA_CHECK_TIMEOUT);
                }
                if (kafkaError != null) {
                    LOG.infof("Kafka reachable again at %s", settings.bootstrapServers());
                }
                kafkaError = null;
                return true;
            } catch (KafkaException e) {
                kafkaError = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.errorf("Kafka not usable at %s (security.protocol=%s; broker down, or TLS/SASL settings not matching the "
                        + "listener), not ready, retrying: %s", settings.bootstrapServers(),
                        settings.kafkaClient().getOrDefault("security.protocol", "PLAINTEXT"), kafkaError);
                sleep(RETRY_PAUSE);
            }
        }
        return false;
    }

    /** A lane consumer's config: tunable defaults, then the configured client properties, then what delivery depends on. */
    static Map<String, Object> consumerConfig(WorkerSettings settings, Lane lane, String clientId) {
        WorkerSettings.BatchPolicy policy = settings.batch().get(lane);
        return KafkaClientSettings.merge("consumer " + lane.name().toLowerCase(), Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(2 * policy.maxSize(), 8),
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()),
                settings.kafkaClient(),
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, settings.groupId() + "-" + lane.name().toLowerCase(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        // a new group starts at the oldest study: none is skipped
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    }

    private void turn(OutputPublisher publisher) {
        boolean anyFetched = lanes.values().stream().anyMatch(ls -> !ls.fetched.isEmpty());
        Duration idle = anyFetched ? Duration.ZERO : Duration.ofMillis(lanes.size() == 1 ? 100 : 25);
        for (LaneState ls : lanes.values()) {
            poll(ls, idle);
        }
        Lane next = scheduler.next(hasWork(Lane.STAT), hasWork(Lane.ROUTINE));
        if (next == null) {
            return;
        }
        List<Pending> batch = collect(lanes.get(next));
        if (batch.isEmpty()) {
            return;
        }
        scheduler.served(next);
        try {
            process(next, batch, publisher);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s batch of %d not completed (%s); rewinding it to run again", next, batch.size(), e.getMessage());
            rewind(lanes.get(next), batch);
            sleep(RETRY_PAUSE);
        }
    }

    private boolean hasWork(Lane lane) {
        LaneState ls = lanes.get(lane);
        return ls != null && !ls.fetched.isEmpty();
    }

    private void poll(LaneState ls, Duration timeout) {
        long now = System.nanoTime();
        for (ConsumerRecord<String, byte[]> r : ls.consumer.poll(timeout)) {
            ls.fetched.add(new Pending(r, now));
        }
        boolean full = ls.fetched.size() >= ls.maxFetched;
        if (full && !ls.paused) {
            ls.consumer.pause(ls.consumer.assignment());
            ls.paused = true;
        } else if (!full && ls.paused) {
            ls.consumer.resume(ls.consumer.paused());
            ls.paused = false;
        }
        long lag = ls.fetched.size();
        for (TopicPartition tp : ls.consumer.assignment()) {
            lag += ls.consumer.currentLag(tp).orElse(0);
        }
        metrics.lag(ls.lane, lag);
    }

    /**
     * Up to the lane's batch size, waiting at most its max wait from the first study's fetch. A
     * study the in-flight guard isolates is a batch of its own, and ends the batch before it.
     */
    private List<Pending> collect(LaneState ls) {
        if (ls.guard.mustRunAlone(ls.fetched.peek().record())) {
            return List.of(ls.fetched.poll());
        }
        WorkerSettings.BatchPolicy policy = settings.batch().get(ls.lane);
        int limit = generator.batchLimit(ls.lane, policy.maxSize());
        long deadline = ls.fetched.peek().fetchedAtNanos() + policy.maxWait().toNanos();
        LaneState stat = ls.lane == Lane.ROUTINE ? lanes.get(Lane.STAT) : null;
        while (ls.fetched.size() < limit && running) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            if (stat != null) {
                poll(stat, Duration.ZERO);
                if (!stat.fetched.isEmpty() && scheduler.next(true, true) == Lane.STAT) {
                    return List.of(); // yield: the routine studies stay fetched for a later batch
                }
            }
            poll(ls, Duration.ofNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(10))));
        }
        List<Pending> batch = new ArrayList<>(Math.min(limit, ls.fetched.size()));
        while (batch.size() < limit && !ls.fetched.isEmpty() && !ls.guard.mustRunAlone(ls.fetched.peek().record())) {
            batch.add(ls.fetched.poll());
        }
        return batch;
    }

    private void process(Lane lane, List<Pending> batch, OutputPublisher publisher) {
        Instant startedAt = Instant.now();
        List<Future<RecordMetadata>> acks = Collections.synchronizedList(new ArrayList<>());
        List<Study> studies = new ArrayList<>(batch.size());
        LaneState ls = lanes.get(lane);
        for (Pending p : batch) {
            ConsumerRecord<String, byte[]> r = p.record();
            int deaths = ls.guard.deathsIfCondemned(r);
            if (deaths > 0) {
                acks.add(deadLetterKiller(publisher, lane, r, deaths));
                continue;
            }
            try {
                StudyDecoder.DecodedStudy decoded = decoder.decode(r.value());
                studies.add(new Study(r, decoded, new CriticalFindingWatcher(findings, settings.criticalFindings())));
                metrics.queued(lane, Duration.between(receivedAt(decoded.event(), r), startedAt));
            } catch (StudyDecoder.StudyDecodeException e) {
                String uid = e.event() == null ? null : e.event().studyInstanceUid();
                acks.add(fail(publisher, lane, r, uid, e.getMessage(), e.getCause() != null ? e.getCause() : e, e.permanent()));
            }
        }
        List<GenerationRequest> requests = studies.stream().map(s -> s.request).toList();
        if (!studies.isEmpty()) {
            ls.guard.markInFlight(batch.stream().map(Pending::record).toList(), studies.stream().map(s -> s.record).toList());
        }
        Map<Study, Instant> published = new HashMap<>();
        List<BatchGenerator.Failure> failures = generator.run(lane, requests, settings.generation(),
                (i, token, text) -> {
                    Study s = studies.get(i);
                    for (CriticalFindingWatcher.Raised raised : s.watcher.onText(ReportText.clean(text))) {
                        acks.add(alert(publisher, lane, s, raised));
                    }
                },
                (indices, generations, nanos) -> {
                    int tokens = 0;
                    for (int k = 0; k < indices.size(); k++) {
                        Study s = studies.get(indices.get(k));
                        Generation g = generations.get(k);
                        tokens += g.generatedIds().length;
                        acks.add(report(publisher, lane, s, g, startedAt, indices.size(), acks));
                        published.put(s, s.event.receivedAt() != null ? s.event.receivedAt() : Instant.ofEpochMilli(s.record.timestamp()));
                    }
                    metrics.modelCall(lane, indices.size(), tokens, nanos);
                });
        for (BatchGenerator.Failure f : failures) {
            Study s = studies.get(f.index());
            String reason = (BatchGenerator.isOutOfMemory(f.error()) ? "out of memory even alone: " : "model error: ")
                    + f.error().getClass().getSimpleName() + ": " + f.error().getMessage();
            acks.add(fail(publisher, lane, s.record, s.event.studyInstanceUid(), reason, f.error(), false));
        }
        awaitAll(acks);
        Instant acknowledged = Instant.now();
        published.values().forEach(received -> metrics.reportPublished(lane, Duration.between(received, acknowledged)));
        beforeCommit.accept(lane);
        commit(ls, batch);
    }

    /** The in-flight guard's verdict: this study was alone in the model each time the process died. */
    private Future<RecordMetadata> deadLetterKiller(OutputPublisher publisher, Lane lane, ConsumerRecord<String, byte[]> r, int deaths) {
        String reason = "the inference process died " + deaths + " times while this study was in the model (alone), "
                + "e.g. a native crash in libtorch or the OOM killer; not run again";
        MDC.put("studyInstanceUid", r.key()); // studies are keyed by Study Instance UID
        try {
            LOG.errorf("%s study at %s-%d@%d dead-lettered by the in-flight guard: %s", lane, r.topic(), r.partition(), r.offset(), reason);
        } finally {
            MDC.remove("studyInstanceUid");
        }
        metrics.crashDeadLettered(lane);
        return publisher.deadLetter(r, r.key(), reason, null, deaths);
    }

    private Future<RecordMetadata> report(OutputPublisher publisher, Lane lane, Study s, Generation g, Instant startedAt, int batchSize,
                                          List<Future<RecordMetadata>> acks) {
        StudyEvent e = s.event;
        MDC.put("studyInstanceUid", e.studyInstanceUid());
        try {
            String text = ReportText.clean(g.text()).strip();
            Map<Finding, FindingsReader.Reading> readings = findings.read(text);
            Map<Finding, FindingState> states = FindingsReader.states(readings);
            for (CriticalFindingWatcher.Raised raised : s.watcher.finish(text)) {
                acks.add(alert(publisher, lane, s, raised)); // sent before the report, never after it
            }
            int triage = s.watcher.anyRaised() ? 1 : lane == Lane.STAT ? 2 : 3;
            Instant completedAt = Instant.now();
            Instant receivedAt = receivedAt(e, s.record);
            Timings timings = new Timings(receivedAt, startedAt, completedAt,
                    Math.max(0, Duration.between(receivedAt, startedAt).toMillis()), g.visionMs(), g.prefillMs(), g.decodeMs(),
                    g.generatedIds().length, batchSize);
            ReportEvent report = new ReportEvent(ReportEvent.SCHEMA_VERSION, s.reportId(identity), e.studyInstanceUid(),
                    e.sopInstanceUid(), e.accessionNumber(), lane, triage, text, states, identity, timings, e.patient(),
                    e.sourceOrDerived());
            LOG.debugf("%s report %s (%d tokens, batch of %d, triage %d)", lane, report.reportId(), g.generatedIds().length,
                    batchSize, triage);
            return publisher.report(report, s.traceparent);
        } finally {
            MDC.remove("studyInstanceUid");
        }
    }

    private Future<RecordMetadata> alert(OutputPublisher publisher, Lane lane, Study s, CriticalFindingWatcher.Raised raised) {
        String reportId = s.reportId(identity);
        CriticalAlert alert = new CriticalAlert(CriticalAlert.SCHEMA_VERSION, CriticalAlert.alertIdOf(reportId, raised.finding()),
                reportId, s.event.studyInstanceUid(), s.event.accessionNumber(), lane, raised.finding(), raised.state(),
                raised.excerpt(), identity, Instant.now());
        MDC.put("studyInstanceUid", s.event.studyInstanceUid());
        try {
            LOG.infof("critical finding %s (%s) in %s study: alert %s", raised.finding(), raised.state(), lane, alert.alertId());
        } finally {
            MDC.remove("studyInstanceUid");
        }
        metrics.alertPublished(lane);
        return publisher.alert(alert, s.traceparent);
    }

    private Future<RecordMetadata> fail(OutputPublisher publisher, Lane lane, ConsumerRecord<String, byte[]> r, String uid,
                                        String reason, Throwable error, boolean permanent) {
        int attempts = OutputPublisher.attemptsOf(r) + 1;
        if (uid != null) {
            MDC.put("studyInstanceUid", uid);
        }
        try {
            if (permanent || attempts >= settings.maxAttempts()) {
                LOG.warnf("%s study at %s-%d@%d dead-lettered after %d attempt(s): %s", lane, r.topic(), r.partition(), r.offset(),
                        attempts, reason);
                metrics.deadLettered(lane);
                return publisher.deadLetter(r, uid, reason, error, attempts);
            }
            LOG.warnf("%s study at %s-%d@%d failed (attempt %d of %d), put back on the lane: %s", lane, r.topic(), r.partition(),
                    r.offset(), attempts, settings.maxAttempts(), reason);
            metrics.requeued(lane);
            return publisher.requeue(r, attempts);
        } finally {
            MDC.remove("studyInstanceUid");
        }
    }

    private void awaitAll(List<Future<RecordMetadata>> acks) {
        List<Future<RecordMetadata>> all;
        synchronized (acks) {
            all = new ArrayList<>(acks);
        }
        long deadline = System.nanoTime() + PUBLISH_TIMEOUT.toNanos();
        for (Future<RecordMetadata> f : all) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new KafkaException("an output was not acknowledged: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new KafkaException("outputs not acknowledged within " + PUBLISH_TIMEOUT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for output acknowledgements", e);
            }
        }
    }

    private void commit(LaneState ls, List<Pending> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Pending p : batch) {
            TopicPartition tp = Offsets.partitionOf(p.record());
            long next = p.record().offset() + 1;
            offsets.merge(tp, new OffsetAndMetadata(next), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        offsets.keySet().retainAll(ls.consumer.assignment());
        if (offsets.isEmpty()) {
            return;
        }
        try {
            ls.consumer.commitSync(offsets); // no metadata: clears the in-flight marker
            ls.guard.committed(batch.stream().map(Pending::record).toList());
        } catch (KafkaException e) {
            // The partitions moved to another replica, which re-runs these studies: same report ids, no loss.
            LOG.warnf("%s: commit of %s failed (%s); those studies will be re-delivered", ls.lane, offsets, e.getMessage());
        }
    }

    /** Makes the batch's studies (and anything fetched after them on the same partitions) come again. */
    private void rewind(LaneState ls, List<Pending> batch) {
        Map<TopicPartition, Long> first = Offsets.firstPerPartition(batch.stream().map(Pending::record).toList());
        ls.dropFetched(first.keySet());
        first.forEach((tp, offset) -> {
            if (ls.consumer.assignment().contains(tp)) {
                ls.consumer.seek(tp, offset);
            }
        });
    }

    private static Instant receivedAt(StudyEvent event, ConsumerRecord<String, byte[]> r) {
        return event.receivedAt() != null ? event.receivedAt() : Instant.ofEpochMilli(r.timestamp());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the loop to stop after the batch in progress (which completes and commits). */
    public void requestStop() {
        running = false;
    }

    /** Waits for the loop to end; false when it is still inside a batch after the timeout. */
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
        return Set.copyOf(assigned);
    }

    /** Short random id of this worker, in its Kafka client ids and thread name. */
    public String instanceId() {
        return instanceId;
    }

    /** Test hook, called after a batch's outputs are acknowledged and before its offsets are committed. */
    public void beforeCommit(Consumer<Lane> hook) {
        this.beforeCommit = hook;
    }
}

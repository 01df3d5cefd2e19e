package org.cxrplatform.inference.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.engine.Completion;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;
import org.jboss.logging.Logger;

/**
 * Batch admission: the replica's one loop thread hands studies from its lane consumers to the
 * continuous-batching engine and steps it. Every turn it
 * <ol>
 *   <li>polls each lane (without blocking while the engine has work);
 *   <li>settles the studies whose outputs Kafka acknowledged, so each lane commits its partitions up
 *       to their first unfinished study;
 *   <li>admits studies into free slots: STAT first, routine its {@link LaneScheduler share} of the
 *       admissions while both lanes wait, and never into the last {@link ReportModel#reservedSlots()}
 *       slots, which stay free for STAT, so a STAT study joins the running batch at the next step
 *       however much routine work runs; their in-flight marker is committed before they go in;
 *   <li>runs one engine step (every running study gets a token; finished ones publish their report).
 * </ol>
 *
 * <p>Failures: an engine step that fails for several studies at once blames none of them: each runs
 * again alone (or, for an out-of-memory error, normally under a halved {@link AdmissionLimit}); a
 * study that fails alone is retried on its lane or dead-lettered by {@link StudyOutputs#failed}. A
 * study that must run alone (the in-flight guard isolating a crash, or one of those) waits until the
 * engine is empty and every earlier study is committed, and keeps the engine to itself. An output Kafka does not acknowledge rewinds its partition.
 *
 * <p>Loop thread only: the lane consumers, the engine's steps and the listeners all run on it.
 */
final class EngineLoop {

    private static final Logger LOG = Logger.getLogger(EngineLoop.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofMinutes(3);

    private final WorkerSettings settings;
    private final ReportModel model;
    private final StudyOutputs outputs;
    private final InferenceMetrics metrics;
    private final StudyDecoder decoder = new StudyDecoder();
    private final Map<Lane, LaneConsumer> lanes = new EnumMap<>(Lane.class);
    private final Map<Lane, ArrayDeque<Study>> retries = new EnumMap<>(Lane.class);
    private final LaneScheduler scheduler;
    private final AdmissionLimit limit;
    private final int slots;
    private final int reserved;
    private final List<Study> inEngine = new ArrayList<>();
    private final List<Study> publishing = new ArrayList<>();
    private final Map<Study, Throwable> failedInStep = new LinkedHashMap<>();
    private Study alone;

    EngineLoop(WorkerSettings settings, ReportModel model, StudyOutputs outputs, InferenceMetrics metrics) {
        this.settings = settings;
        this.model = model;
        this.outputs = outputs;
        this.metrics = metrics;
        boolean bothLanes = settings.lanes().size() == 2;
        this.slots = model.slots();
        // a replica without STAT keeps no slot for it
        this.reserved = bothLanes ? model.reservedSlots() : 0;
        this.scheduler = new LaneScheduler(bothLanes ? settings.routineShare() : 0);
        this.limit = new AdmissionLimit(slots, settings.oomRecoveryStudies());
    }

    void add(LaneConsumer lane) {
        lanes.put(lane.lane, lane);
        retries.put(lane.lane, new ArrayDeque<>());
    }

    /**
     * One turn: poll, settle and commit, admit, step.
     *
     * @param admitting false while stopping: the studies in the engine finish and are committed, no new one starts
     */
    void turn(boolean admitting) {
        boolean work =
                !inEngine.isEmpty() || (admitting && lanes.keySet().stream().anyMatch(this::waiting));
        Duration wait = work ? Duration.ZERO : Duration.ofMillis(lanes.size() == 1 ? 100 : 25);
        for (LaneConsumer l : lanes.values()) {
            l.poll(wait);
        }
        settle();
        for (LaneConsumer l : lanes.values()) {
            l.commitProgress();
        }
        if (admitting) {
            admit();
        }
        if (!inEngine.isEmpty()) {
            step();
        }
        metrics.engine(slots, inEngine.size(), limit.current());
    }

    /** Nothing in the engine and no output awaiting its acknowledgement: everything taken is committed or given back. */
    boolean idle() {
        return inEngine.isEmpty() && publishing.isEmpty();
    }

    private boolean waiting(Lane lane) {
        return !retries.get(lane).isEmpty() || lanes.get(lane).hasFetched();
    }

    private boolean nextMustRunAlone(Lane lane) {
        Study retry = retries.get(lane).peek();
        if (retry != null) {
            return retry.alone;
        }
        LaneConsumer.Fetched f = lanes.get(lane).peek();
        return f != null && lanes.get(lane).mustRunAlone(f.record());
    }

    private void admit() {
        if (alone != null) {
            return; // a study has the engine to itself
        }
        for (Lane lane : lanes.keySet()) {
            if (nextMustRunAlone(lane)) {
                // alone also means after every earlier study is committed: a crash then re-runs only this one
                if (inEngine.isEmpty() && publishing.isEmpty()) {
                    Study s = next(lane);
                    if (s != null) {
                        alone = s;
                        submit(List.of(s));
                    }
                }
                return; // nothing else starts until it has run
            }
        }
        List<Study> admitted = new ArrayList<>();
        while (true) {
            int cap = Math.min(slots, limit.current());
            int free = cap - inEngine.size() - admitted.size();
            boolean stat = free > 0 && lanes.containsKey(Lane.STAT) && waiting(Lane.STAT);
            boolean routine =
                    free > Math.min(reserved, cap - 1) && lanes.containsKey(Lane.ROUTINE) && waiting(Lane.ROUTINE);
            Lane lane = scheduler.next(stat, routine);
            if (lane == null || nextMustRunAlone(lane)) {
                break;
            }
            Study s = next(lane);
            if (s != null) {
                admitted.add(s);
                scheduler.served(lane);
            }
        }
        submit(admitted);
    }

    /** The lane's next study ready for the engine, or null when it went straight to its outputs (undecodable, condemned). */
    private Study next(Lane lane) {
        Study retry = retries.get(lane).poll();
        if (retry != null) {
            return retry;
        }
        LaneConsumer consumer = lanes.get(lane);
        LaneConsumer.Fetched f = consumer.take();
        ConsumerRecord<String, byte[]> r = f.record();
        Study s = new Study(lane, r, f.fetchedNanos(), consumer.mustRunAlone(r));
        int deaths = consumer.deathsIfCondemned(r);
        if (deaths > 0) {
            outputs.deadLetterKiller(s, deaths);
            publishing.add(s);
            return null;
        }
        try {
            s.decoded(decoder.decode(r.value()), outputs.watcher());
            return s;
        } catch (StudyDecoder.StudyDecodeException e) {
            if (e.event() != null) {
                s.event = e.event();
            }
            outputs.failed(s, e.getMessage(), e.getCause() != null ? e.getCause() : e, e.permanent());
            publishing.add(s);
            return null;
        }
    }

    /** Commits the studies' in-flight markers (one commit per lane), then hands them to the engine. */
    private void submit(List<Study> studies) {
        Map<Lane, List<Study>> byLane = new EnumMap<>(Lane.class);
        studies.forEach(
                s -> byLane.computeIfAbsent(s.lane, l -> new ArrayList<>()).add(s));
        byLane.forEach((lane, group) -> {
            try {
                lanes.get(lane).enterModel(group.stream().map(s -> s.record).toList());
            } catch (KafkaException e) {
                LOG.errorf(
                        "%s: in-flight marker not committed (%s); rewinding those partitions to run their studies again",
                        lane, e.getMessage());
                group.forEach(s -> rewind(s.lane, s.partition()));
                group.forEach(s -> s.abandoned = true);
                if (alone != null && alone.abandoned) {
                    alone = null;
                }
                return;
            }
            group.forEach(this::submit);
        });
    }

    private void submit(Study s) {
        try {
            s.handle = model.submit(
                    s.request,
                    settings.generation().forStudy(s.imageDigest),
                    s.lane == Lane.STAT ? 0 : 1,
                    new Listener(s));
            s.submittedNanos = System.nanoTime();
            inEngine.add(s);
        } catch (IllegalArgumentException e) {
            // the engine refuses what it can never run (a prompt longer than its context): bad input, not a crash
            lanes.get(s.lane).leftModel(s.record);
            if (alone == s) {
                alone = null;
            }
            outputs.failed(s, "the model cannot run this study: " + e.getMessage(), e, true);
            publishing.add(s);
        }
    }

    /** The engine's events for one study, on the loop thread inside a step. */
    private final class Listener implements GenerationListener {
        private final Study s;

        Listener(Study s) {
            this.s = s;
        }

        @Override
        public void onAdmitted(RequestHandle request, long step) {
            s.admittedNanos = System.nanoTime();
            s.startedAt = Instant.now();
            s.joinedBatchOf = inEngine.size();
            metrics.admitted(
                    s.lane,
                    Duration.ofNanos(s.admittedNanos - s.fetchedNanos),
                    Duration.between(s.receivedAt(), s.startedAt),
                    s.joinedBatchOf);
        }

        @Override
        public void onToken(RequestHandle request, int tokenId, String textPiece) {
            if (s.abandoned) {
                return;
            }
            if (!s.firstToken) {
                s.firstToken = true;
                metrics.firstToken(s.lane, Duration.between(s.receivedAt(), Instant.now()));
            }
            outputs.streamed(s, textPiece);
        }

        @Override
        public void onComplete(RequestHandle request, Completion completion) {
            finished(s, completion);
        }

        @Override
        public void onFailed(RequestHandle request, Throwable error) {
            failedInStep.put(s, error);
        }
    }

    private void step() {
        int running = inEngine.size();
        model.step();
        if (failedInStep.isEmpty()) {
            return;
        }
        Map<Throwable, List<Study>> byError = new IdentityHashMap<>();
        failedInStep.forEach(
                (s, e) -> byError.computeIfAbsent(e, k -> new ArrayList<>()).add(s));
        failedInStep.clear();
        byError.forEach((error, studies) -> failed(studies, error, running));
    }

    private void finished(Study s, Completion c) {
        inEngine.remove(s);
        if (alone == s) {
            alone = null;
        }
        if (s.abandoned) {
            return;
        }
        lanes.get(s.lane).leftModel(s.record);
        limit.completed();
        metrics.finished(
                s.lane,
                c.stopReason().name().toLowerCase(Locale.ROOT),
                c.generatedIds().length,
                System.nanoTime() - s.admittedNanos);
        try {
            outputs.report(s, c);
            publishing.add(s);
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "%s: report of the study at %s@%d not sent; rewinding its partition",
                    s.lane,
                    s.partition(),
                    s.record.offset());
            rewind(s.lane, s.partition());
        }
    }

    /** Studies that failed in one step with the same error. */
    private void failed(List<Study> studies, Throwable error, int running) {
        List<Study> mine = new ArrayList<>();
        for (Study s : studies) {
            if (inEngine.remove(s) && !s.abandoned) {
                mine.add(s);
            }
            if (alone == s) {
                alone = null;
            }
        }
        for (Study s : mine) {
            lanes.get(s.lane).leftModel(s.record);
            metrics.finished(s.lane, "failed", 0, System.nanoTime() - s.submittedNanos);
            s.resetForRetry();
        }
        if (mine.isEmpty()) {
            return;
        }
        boolean oom = AdmissionLimit.isOutOfMemory(error);
        if (oom && running > 1) {
            limit.halve(running);
            mine.forEach(s -> metrics.oomRetry(s.lane));
            runAgain(mine, false);
        } else if (mine.size() > 1) {
            LOG.warnf(
                    error,
                    "an engine step failed for %d studies at once; running each alone to find the one it belongs to",
                    mine.size());
            runAgain(mine, true);
        } else {
            Study s = mine.get(0);
            outputs.failed(
                    s,
                    (oom ? "out of memory even alone: " : "model error: ")
                            + error.getClass().getSimpleName() + ": " + error.getMessage(),
                    error,
                    false);
            publishing.add(s);
        }
    }

    /** Puts studies back at the head of their lanes, in offset order. */
    private void runAgain(List<Study> studies, boolean eachAlone) {
        List<Study> ordered = new ArrayList<>(studies);
        ordered.sort(Comparator.comparingLong((Study s) -> s.record.offset()).reversed());
        for (Study s : ordered) {
            s.alone |= eachAlone;
            retries.get(s.lane).addFirst(s);
        }
    }

    /** Moves the studies whose outputs are all acknowledged to done; an output that failed rewinds its partition. */
    private void settle() {
        long now = System.nanoTime();
        for (Iterator<Study> it = publishing.iterator(); it.hasNext(); ) {
            Study s = it.next();
            if (s.abandoned) {
                it.remove();
                continue;
            }
            Throwable error = null;
            boolean acknowledged = true;
            for (Future<RecordMetadata> f : s.acks) {
                if (!f.isDone()) {
                    acknowledged = false;
                } else {
                    error = error != null ? error : failure(f);
                }
            }
            if (error == null && acknowledged) {
                it.remove();
                lanes.get(s.lane).done(s.record);
                if (s.reported) {
                    metrics.reportPublished(s.lane, Duration.between(s.receivedAt(), Instant.now()));
                }
            } else if (error != null || now - s.outputsSentNanos > PUBLISH_TIMEOUT.toNanos()) {
                LOG.errorf(
                        "%s: outputs of the study at %s@%d not acknowledged (%s); rewinding its partition to run it again",
                        s.lane,
                        s.partition(),
                        s.record.offset(),
                        error != null ? error.getMessage() : "timed out after " + PUBLISH_TIMEOUT);
                it.remove();
                rewind(s.lane, s.partition());
            }
        }
    }

    private static Throwable failure(Future<RecordMetadata> done) {
        try {
            done.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /** Drops what this replica holds of a partition and seeks it back: its unfinished studies come again (same report ids). */
    private void rewind(Lane lane, TopicPartition tp) {
        abandon(lane, List.of(tp));
        lanes.get(lane).rewind(tp);
    }

    /**
     * The partitions leave this replica (revoked, lost) or are rewound: their studies in the engine are
     * cancelled at the next step, and nothing more is published or committed for them here.
     */
    void abandon(Lane lane, Collection<TopicPartition> partitions) {
        for (Study s : inEngine) {
            if (s.lane == lane && !s.abandoned && partitions.contains(s.partition())) {
                s.abandoned = true;
                s.handle.cancel();
            }
        }
        for (Study s : publishing) {
            if (s.lane == lane && partitions.contains(s.partition())) {
                s.abandoned = true;
            }
        }
        ArrayDeque<Study> waiting = retries.get(lane);
        if (waiting != null) {
            waiting.removeIf(s -> partitions.contains(s.partition()));
        }
    }
}

package org.cxrplatform.ingest.pipeline;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.cxrplatform.contracts.Acquisition;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.Stage;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.StudyImage;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.ingest.audit.IngestAudit;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.publish.EventPublisher;
import org.cxrplatform.ingest.publish.PublishException;
import org.cxrplatform.ingest.render.GreyscaleRenderer;
import org.cxrplatform.ingest.render.NativeDecoder;
import org.cxrplatform.ingest.render.RenderException;
import org.cxrplatform.ingest.render.RenderedImage;
import org.cxrplatform.ingest.scp.DicomStatus;
import org.cxrplatform.ingest.scp.InstanceSink;
import org.cxrplatform.ingest.scp.StoreOutcome;
import org.cxrplatform.ingest.scp.StoreRequest;
import org.cxrplatform.ingest.select.InstanceHeader;
import org.cxrplatform.ingest.select.LaneRules;
import org.cxrplatform.ingest.select.Selection;
import org.cxrplatform.ingest.spool.Spool;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * What happens to one received instance, from spool file to acknowledged Kafka record:
 * header (no pixel data) → selection → dimension guard → lane → render (one decode) → {@link StudyEvent} on
 * the lane's topic, acknowledged → spool entry deleted. The C-STORE success is sent before all that (default,
 * {@code acknowledge=SPOOL}: below) or after it ({@code acknowledge=KAFKA}). Every other path ends
 * in a precise outcome:
 * <ul>
 *   <li>unparseable header, missing UIDs: refused (0xC000 / 0xA900), nothing kept;</li>
 *   <li>absurd dimensions: refused with 0xA700 before any decoding;</li>
 *   <li>not a frontal chest radiograph: success, skipped with a reason (log + metric);</li>
 *   <li>cannot become an image (no pixel data, wrong length, unsupported photometric, codec
 *       failure, a native decoder that crashed or overran its time, non-image SOP class): success,
 *       {@link DeadLetter} on {@code cxr.dlq} with the file kept in quarantine;</li>
 *   <li>the service died while decoding it in more than {@code restart-retries} runs: the same
 *       dead letter ({@code service-died}), so it cannot crash-loop the service (one death counts once, however
 *       many copies were being decoded; an instance merely received or queued is not counted);</li>
 *   <li>Kafka does not acknowledge: with {@code acknowledge=KAFKA} 0xA700, the entry is dropped so the router's
 *       retry is the only copy; otherwise (spool recovery, an accepted instance) kept for the next attempt.</li>
 * </ul>
 *
 * <p>With {@code cxr.ingest.acknowledge=SPOOL} (the default) the success is sent once the instance is fsync'd in the spool and its
 * header passed the refusing checks (unparseable, missing UIDs, absurd dimensions); the rest runs on background
 * threads, and an instance still in the spool after a crash is taken up by {@link #recover()} at the next start. While
 * {@code max-backlog} accepted instances wait, a new one is held before its spool write until one of them settles
 * (the sender is paced by the background decodes), for at most {@code backlog-wait}, then refused with 0xA700; it is
 * refused at once while the last background attempt failed for a transient reason (Kafka, decoders) and has not been
 * settled since, and when the service stops.
 *
 * <p>Thread-safe: called concurrently by associations; decodes are bounded by a semaphore.
 */
public final class IngestPipeline implements InstanceSink, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IngestPipeline.class);

    private final Spool spool;
    private final Selection selection;
    private final LaneRules lanes;
    private final GreyscaleRenderer renderer;
    private final EventPublisher publisher;
    private final IngestConfig settings;
    private final MeterRegistry metrics;
    private final Semaphore decodes;
    private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();
    /** acknowledge=SPOOL: renders and publishes accepted instances; null with acknowledge=KAFKA. */
    private final ExecutorService background;
    /**
     * Accepted instances admitted to {@link #background} (a place taken before the spool write) and not yet settled.
     * Changed under {@link #intake} only; read without it by the gauge.
     */
    private final AtomicInteger backlogged = new AtomicInteger();
    /** Guards admission to the backlog; {@link #room} is signalled when a place frees, publication fails, or on close. */
    private final ReentrantLock intake = new ReentrantLock();

    private final Condition room = intake.newCondition();
    /** Senders held now for a place in the backlog. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Why the last background attempt could not settle its instance (Kafka, decoders); null once one settled. */
    private volatile String unsettled;

    private volatile boolean closing;

    private volatile BacklogHook backlog = BacklogHook.NONE;
    private volatile OrderHook orders = OrderHook.NONE;
    private volatile IngestAudit audit = IngestAudit.NONE;

    public IngestPipeline(
            Spool spool,
            Selection selection,
            LaneRules lanes,
            EventPublisher publisher,
            NativeDecoder nativeDecoder,
            IngestConfig settings,
            MeterRegistry metrics) {
        this.spool = spool;
        this.selection = selection;
        this.lanes = lanes;
        this.renderer = new GreyscaleRenderer(settings.render(), nativeDecoder);
        this.publisher = publisher;
        this.settings = settings;
        this.metrics = metrics;
        this.decodes = new Semaphore(settings.render().maxConcurrentDecodes());
        this.background = settings.acknowledge() == IngestConfig.Acknowledge.SPOOL
                ? Executors.newFixedThreadPool(settings.render().maxConcurrentDecodes(), r -> {
                    Thread t = new Thread(r, "ingest-background");
                    t.setDaemon(true);
                    return t;
                })
                : null;
        metrics.gauge("cxr.ingest.backlog", backlogged);
        metrics.gauge("cxr.ingest.backlog.waiting", waiting);
        metrics.gauge("cxr.ingest.spool.bytes", spool, Spool::sizeBytes);
        metrics.gauge("cxr.ingest.spool.pending", spool, Spool::pendingCount);
    }

    public void orderHook(OrderHook hook) {
        this.orders = hook == null ? OrderHook.NONE : hook;
    }

    public void audit(IngestAudit audit) {
        this.audit = audit == null ? IngestAudit.NONE : audit;
    }

    public void backlogHook(BacklogHook hook) {
        this.backlog = hook == null ? BacklogHook.NONE : hook;
    }

    @Override
    public StoreOutcome store(StoreRequest request) {
        metrics.counter("cxr.ingest.instances.received").increment();
        // Owned before it becomes visible as a .dcm, so spool recovery never takes a live instance.
        Path committed = spool.committedPath(request.file());
        inFlight.add(committed);
        boolean handedOver = false;
        boolean admitted = false;
        try {
            if (background != null) {
                Refusal refused = admit();
                if (refused != null) {
                    deleteQuietly(request.file());
                    LOG.warnf("refused %s (%s): %s", request.sopInstanceUid(), refused.reason(), refused.comment());
                    return reject(
                            refused.reason(), StoreOutcome.failure(DicomStatus.OUT_OF_RESOURCES, refused.comment()));
                }
                admitted = true;
            }
            Spool.Entry entry;
            try {
                entry = spool.commit(
                        request.file(),
                        request.callingAeTitle(),
                        request.moveOriginatorAe(),
                        request.receivedAt(),
                        background != null);
            } catch (IOException e) {
                LOG.errorf("spool write failed for %s: %s", request.sopInstanceUid(), e.getMessage());
                return reject("spool", StoreOutcome.failure(DicomStatus.OUT_OF_RESOURCES, "spool write failed"));
            }
            if (background == null) {
                return processOwnedSafely(entry, true);
            }
            Parsed screened = screen(entry);
            if (screened.refusal() != null) {
                return screened.refusal();
            }
            background.execute(() -> {
                try {
                    settledInBackground(processOwnedSafely(entry, false, screened.header()));
                } finally {
                    inFlight.remove(committed);
                    release();
                }
            });
            handedOver = true;
            return StoreOutcome.SUCCESS;
        } finally {
            if (!handedOver) {
                inFlight.remove(committed);
                if (admitted) {
                    release();
                }
            }
        }
    }

    /** Why a new instance was refused: the metric's reason tag and the Error Comment. */
    private record Refusal(String reason, String comment) {}

    /**
     * acknowledge=SPOOL: takes a place in the backlog for a new instance, holding the sender while {@code max-backlog}
     * instances wait (each settling one frees a place), at most {@code backlog-wait}.
     *
     * @return null once a place is taken (give it back with {@link #release()}), or why the instance is refused:
     *     at once while publication fails or the service stops, past the wait while the backlog stays full
     */
    private Refusal admit() {
        long left = settings.backlogWait().toNanos();
        long start = 0;
        boolean held = false;
        intake.lock();
        try {
            while (true) {
                if (closing) {
                    return paced(held, start, new Refusal("stopping", "service stopping, retry later"));
                }
                String why = unsettled;
                if (why != null) {
                    return paced(held, start, new Refusal("unpublished", "spooled instances unpublished: " + why));
                }
                int queued = backlogged.get();
                if (queued < settings.maxBacklog()) {
                    backlogged.incrementAndGet();
                    return paced(held, start, null);
                }
                if (left <= 0) {
                    return paced(
                            held,
                            start,
                            new Refusal(
                                    "backlog-full",
                                    queued + " instances waiting to be published for "
                                            + settings.backlogWait().toMillis() + " ms, retry later"));
                }
                if (!held) {
                    held = true;
                    start = System.nanoTime();
                    waiting.incrementAndGet();
                }
                try {
                    left = room.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return paced(held, start, new Refusal("stopping", "service stopping, retry later"));
                }
            }
        } finally {
            intake.unlock();
        }
    }

    /** Records a sender that was held (Prometheus {@code cxr_ingest_backlog_wait_seconds}, by outcome). */
    private Refusal paced(boolean held, long start, Refusal refusal) {
        if (held) {
            waiting.decrementAndGet();
            Timer.builder("cxr.ingest.backlog.wait")
                    .description("senders held for a place in the backlog (acknowledge=SPOOL)")
                    .tag("outcome", refusal == null ? "admitted" : refusal.reason())
                    .register(metrics)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        return refusal;
    }

    /** Gives back a place in the backlog: one held sender may take it. */
    private void release() {
        intake.lock();
        try {
            backlogged.decrementAndGet();
            room.signal();
        } finally {
            intake.unlock();
        }
    }

    private void settledInBackground(StoreOutcome outcome) {
        // A transient failure keeps the entry for recover(); until one settles, new instances are refused, held
        // senders included.
        String why = outcome != null && outcome.status() == DicomStatus.OUT_OF_RESOURCES ? outcome.comment() : null;
        unsettled = why;
        if (why != null) {
            wakeAll();
        }
    }

    /** Every held sender looks again (publication failing, service stopping): they are refused at once. */
    private void wakeAll() {
        intake.lock();
        try {
            room.signalAll();
        } finally {
            intake.unlock();
        }
    }

    /**
     * acknowledge=SPOOL: the checks that refuse an instance, on its header alone, before its success is sent. The
     * header read here is what the background stage works with (the dimension check runs there again, without I/O).
     *
     * @return the header of an accepted instance, or the refusal (the entry is then gone)
     */
    private Parsed screen(Spool.Entry entry) {
        InstanceHeader[] accepted = {null};
        StoreOutcome refused = processSafely(entry, true, (e, traceparent) -> {
            Parsed parsed = parse(e);
            if (parsed.refusal() != null) {
                return parsed.refusal();
            }
            InstanceHeader header = parsed.header();
            if (header.hasImagePixelModule() && selection.decide(header).selected()) {
                try {
                    renderer.checkDimensions(header.rows(), header.columns(), header.bitsAllocated());
                } catch (RenderException x) {
                    if ("too-large".equals(x.code())) {
                        spool.delete(e);
                        LOG.warnf("refused %s: %s", header.sopInstanceUid(), x.getMessage());
                        return reject("too-large", StoreOutcome.failure(DicomStatus.OUT_OF_RESOURCES, x.getMessage()));
                    }
                }
            }
            accepted[0] = header;
            return null;
        });
        return new Parsed(refused == null ? accepted[0] : null, refused);
    }

    @Override
    public void close() {
        closing = true;
        wakeAll();
        if (background != null) {
            // Accepted instances not yet published stay in the spool: the next start publishes them.
            background.shutdownNow();
            try {
                background.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf("cannot delete %s: %s", file, e.getMessage()); // the start-up clean-up removes .part files
        }
    }

    /**
     * Re-processes committed spool entries nobody is working on: left by a previous run, or kept
     * through a Kafka outage. Entries Kafka still does not take stay for the next call. Partial
     * {@code .part} files are not touched here (they may be transfers in progress); the node drops
     * stale ones once, before its SCP starts. Returns how many were settled.
     */
    public int recover() {
        int settled = 0;
        for (Spool.Entry entry : spool.pending()) {
            StoreOutcome outcome = process(entry, false);
            if (outcome != null) {
                settledInBackground(outcome);
            }
            if (outcome != null && outcome.status() != DicomStatus.OUT_OF_RESOURCES) {
                settled++;
            }
        }
        return settled;
    }

    /**
     * @param live true when a peer waits for the answer (failures drop the entry: the peer retries);
     *             false for spool recovery (transient failures keep it)
     * @return the outcome, or null when the entry is already being processed
     */
    StoreOutcome process(Spool.Entry entry, boolean live) {
        if (!inFlight.add(entry.file())) {
            return null;
        }
        try {
            return processOwnedSafely(entry, live);
        } finally {
            inFlight.remove(entry.file());
        }
    }

    private StoreOutcome processOwnedSafely(Spool.Entry entry, boolean live) {
        return processOwnedSafely(entry, live, null);
    }

    /** @param screened the header {@link #screen} read, or null to read it now */
    private StoreOutcome processOwnedSafely(Spool.Entry entry, boolean live, InstanceHeader screened) {
        return processSafely(entry, live, (e, traceparent) -> processOwned(e, live, traceparent, screened));
    }

    /**
     * Runs a step with a new traceparent in the MDC; an unexpected failure is a processing failure (the entry is
     * dropped when a peer waits for the answer, kept for {@link #recover()} otherwise).
     */
    private StoreOutcome processSafely(
            Spool.Entry entry, boolean live, BiFunction<Spool.Entry, String, StoreOutcome> step) {
        String traceparent = EventHeaders.newTraceparent();
        MDC.put("traceparent", traceparent);
        try {
            return step.apply(entry, traceparent);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.errorf(e, "unexpected failure processing %s", entry.file());
            if (live) {
                spool.delete(entry);
            }
            return reject(
                    "internal",
                    StoreOutcome.failure(
                            DicomStatus.PROCESSING_FAILURE,
                            "processing failure: " + e.getClass().getSimpleName()));
        } finally {
            MDC.remove("traceparent");
            MDC.remove("studyInstanceUid");
        }
    }

    /** The header (no pixel data), or the refusal of an instance without a usable one (its entry is then gone). */
    private record Parsed(InstanceHeader header, StoreOutcome refusal) {}

    private Parsed parse(Spool.Entry entry) {
        InstanceHeader header;
        try {
            AttributeList list = new AttributeList();
            list.read(entry.file().toFile(), TagFromName.PixelData);
            header = InstanceHeader.of(list);
        } catch (Exception | OutOfMemoryError e) {
            spool.delete(entry);
            LOG.warnf("refused %s: unparseable DICOM (%s)", entry.file().getFileName(), e.getMessage());
            return new Parsed(
                    null,
                    reject(
                            "unparseable",
                            StoreOutcome.failure(
                                    DicomStatus.CANNOT_UNDERSTAND,
                                    "cannot parse data set: " + e.getClass().getSimpleName())));
        }
        if (header.studyInstanceUid() == null || header.sopInstanceUid() == null) {
            spool.delete(entry);
            return new Parsed(
                    null,
                    reject(
                            "missing-uid",
                            StoreOutcome.failure(
                                    DicomStatus.DATASET_DOES_NOT_MATCH_SOP_CLASS,
                                    "missing Study or SOP Instance UID")));
        }
        return headerRead(header);
    }

    /** A header already read and checked for its UIDs. */
    private static Parsed headerRead(InstanceHeader header) {
        MDC.put("studyInstanceUid", header.studyInstanceUid());
        return new Parsed(header, null);
    }

    private StoreOutcome processOwned(Spool.Entry entry, boolean live, String traceparent, InstanceHeader screened) {
        Parsed parsed = screened == null ? parse(entry) : headerRead(screened);
        if (parsed.refusal() != null) {
            return parsed.refusal();
        }
        InstanceHeader header = parsed.header();
        if (spool.serviceDied(header.sopInstanceUid())) {
            // A router sending the quarantined instance again must not start the crash loop again.
            return deadLetter(
                    entry,
                    header,
                    backlog.jobOf(header.sopInstanceUid()),
                    live,
                    "service-died",
                    "sent again after it was quarantined because the service died while processing it; not"
                            + " processed again");
        }
        int deaths = spool.attempts().deaths(header.sopInstanceUid());
        if (deaths > settings.restartRetries()) {
            // The count stays until the dead letter is out: a Kafka outage now must not reset it.
            StoreOutcome outcome = deadLetter(
                    entry,
                    header,
                    backlog.jobOf(header.sopInstanceUid()),
                    live,
                    "service-died",
                    "the service died " + deaths + " times while processing this instance; quarantined instead of"
                            + " tried again (cxr.ingest.restart-retries=" + settings.restartRetries() + ")");
            if (outcome == StoreOutcome.SUCCESS) {
                try {
                    spool.markServiceDied(header.sopInstanceUid());
                } catch (IOException e) {
                    // the count stays instead: a copy sent again is quarantined by it
                    LOG.errorf("cannot remember %s as quarantined: %s", header.sopInstanceUid(), e.getMessage());
                    return outcome;
                }
                spool.attempts().forget(header.sopInstanceUid());
            }
            return outcome;
        }
        StoreOutcome outcome = processParsed(entry, header, live, traceparent);
        audit.received(
                entry.callingAe(),
                ourMove(entry),
                header.studyInstanceUid(),
                header.patientId(),
                header.patientName(),
                outcome.success());
        return outcome;
    }

    private StoreOutcome processParsed(Spool.Entry entry, InstanceHeader header, boolean live, String traceparent) {
        String job = backlog.jobOf(header.sopInstanceUid());
        boolean ourMove = ourMove(entry);
        // An HL7 order claims the instances of its accession number (retrieved for it, or pushed): its lane wins.
        LaneRules.LaneDecision ordered = job == null ? orders.laneOf(header.accessionNumber(), ourMove) : null;
        if (job == null && ordered == null && ourMove) {
            job = "retrieve";
        }
        if (!header.hasImagePixelModule()) {
            return deadLetter(
                    entry,
                    header,
                    job,
                    live,
                    "non-image",
                    "SOP class " + header.sopClassUid() + " has no image pixel module (Rows/Columns/Bits Allocated)");
        }
        Selection.Decision decision = selection.decide(header);
        if (!decision.selected()) {
            spool.delete(entry);
            metrics.counter("cxr.ingest.instances.skipped", "reason", decision.code())
                    .increment();
            LOG.infof(
                    "skipped %s of study %s: %s",
                    header.sopInstanceUid(), header.studyInstanceUid(), decision.reason());
            settle(job, header, false, "skipped: " + decision.reason());
            return StoreOutcome.SUCCESS;
        }
        try {
            renderer.checkDimensions(header.rows(), header.columns(), header.bitsAllocated());
        } catch (RenderException e) {
            if ("too-large".equals(e.code())) {
                spool.delete(entry);
                LOG.warnf("refused %s: %s", header.sopInstanceUid(), e.getMessage());
                settle(job, header, false, e.getMessage());
                return reject("too-large", StoreOutcome.failure(DicomStatus.OUT_OF_RESOURCES, e.getMessage()));
            }
            return deadLetter(entry, header, job, live, e.code(), e.getMessage());
        }
        LaneRules.LaneDecision lane = ordered != null ? ordered : lanes.decide(header, entry.callingAe(), job);
        RenderedImage image;
        try {
            image = render(entry.file(), header.sopInstanceUid());
        } catch (IOException e) {
            LOG.errorf("spool write failed for %s: %s", header.sopInstanceUid(), e.getMessage());
            return transientFailure(entry, live, "spool write failed");
        } catch (RenderException e) {
            if (NativeDecoder.UNAVAILABLE.equals(e.code())) {
                LOG.errorf("instance %s not decoded: %s", header.sopInstanceUid(), e.getMessage());
                return transientFailure(entry, live, "no decoder available");
            }
            return deadLetter(entry, header, job, live, e.code(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return transientFailure(entry, live, "interrupted");
        }
        StudyEvent event = event(header, entry, lane, StudyImage.inline(image.width(), image.height(), image.png()));
        try {
            publisher.publish(lane.lane().topic(), event, event.eventId(), traceparent);
        } catch (PublishException e) {
            LOG.warnf("instance %s not acknowledged by Kafka: %s", header.sopInstanceUid(), e.getMessage());
            return transientFailure(entry, live, "Kafka unavailable");
        }
        spool.delete(entry);
        metrics.counter("cxr.ingest.instances.accepted", "lane", lane.lane().name())
                .increment();
        LOG.infof(
                "queued %s of study %s on %s (%s), %dx%d png %d bytes via %s/%s",
                header.sopInstanceUid(),
                header.studyInstanceUid(),
                lane.lane(),
                lane.reason(),
                image.width(),
                image.height(),
                image.png().length,
                image.decoder(),
                image.voi());
        settle(job, header, true, lane.reason());
        return StoreOutcome.SUCCESS;
    }

    /**
     * Decodes and renders under a decode slot. Only this counts against {@code restart-retries} when the service
     * dies: an instance waiting for a slot (or for Kafka) cannot have killed it.
     *
     * @throws IOException the attempt counter could not be written
     */
    private RenderedImage render(Path file, String sopInstanceUid)
            throws RenderException, InterruptedException, IOException {
        decodes.acquire();
        long start = System.nanoTime();
        String decoder = "failed";
        try {
            spool.attempts().begin(sopInstanceUid);
            try {
                RenderedImage image = renderer.render(file);
                decoder = image.decoder();
                return image;
            } finally {
                spool.attempts().end(sopInstanceUid);
            }
        } finally {
            decodes.release();
            Timer.builder("cxr.ingest.decode.time")
                    .tag("decoder", decoder)
                    .register(metrics)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private StudyEvent event(InstanceHeader h, Spool.Entry entry, LaneRules.LaneDecision lane, StudyImage img) {
        String eventId = UUID.nameUUIDFromBytes(
                        (h.sopInstanceUid() + "|" + img.sha256()).getBytes(StandardCharsets.UTF_8))
                .toString();
        Acquisition acq = new Acquisition(
                h.modality(),
                h.viewPosition(),
                h.bodyPartExamined(),
                h.studyDate(),
                h.studyDescription(),
                h.sopClassUid(),
                entry.callingAe(),
                h.institutionName());
        Patient patient = settings.phiInEvents()
                ? new Patient(
                        h.patientId(), h.issuerOfPatientId(), h.patientName(), h.patientBirthDate(), h.patientSex())
                : null;
        return new StudyEvent(
                StudyEvent.SCHEMA_VERSION,
                eventId,
                h.studyInstanceUid(),
                h.seriesInstanceUid(),
                h.sopInstanceUid(),
                h.accessionNumber(),
                lane.lane(),
                lane.reason(),
                img,
                acq,
                patient,
                entry.receivedAt(),
                source(h));
    }

    /** The header's study facts; an HL7 order of the accession number gives the placer number and procedure. */
    private SourceStudy source(InstanceHeader h) {
        SourceStudy dicom = h.source();
        OrderHook.Ordered order = orders.orderOf(h.accessionNumber());
        if (order == null) {
            return dicom;
        }
        return new SourceStudy(
                dicom.seriesInstanceUid(),
                dicom.sopClassUid(),
                dicom.studyDate(),
                dicom.studyTime(),
                dicom.studyId(),
                dicom.referringPhysicianName(),
                order.placerOrderNumber() != null ? order.placerOrderNumber() : dicom.placerOrderNumber(),
                order.procedure() != null ? order.procedure() : dicom.procedure(),
                "HL7");
    }

    private StoreOutcome deadLetter(
            Spool.Entry entry, InstanceHeader h, String job, boolean live, String code, String reason) {
        Path target = spool.quarantineDir().resolve(entry.file().getFileName());
        DeadLetter dl =
                DeadLetter.ofQuarantined(Stage.INGEST, h.studyInstanceUid(), code + ": " + reason, target.toString());
        String eventId = UUID.nameUUIDFromBytes(("dlq|" + h.sopInstanceUid()).getBytes(StandardCharsets.UTF_8))
                .toString();
        try {
            publisher.publish(Topics.DLQ, dl, eventId, MDC.get("traceparent") instanceof String s ? s : null);
        } catch (PublishException e) {
            LOG.warnf("dead letter for %s not acknowledged: %s", h.sopInstanceUid(), e.getMessage());
            return transientFailure(entry, live, "Kafka unavailable");
        }
        try {
            spool.quarantine(entry);
        } catch (IOException e) {
            LOG.errorf("cannot quarantine %s: %s", entry.file(), e.getMessage());
        }
        metrics.counter("cxr.ingest.instances.deadlettered", "reason", code).increment();
        LOG.warnf(
                "dead-lettered %s of study %s: %s (kept at %s)",
                h.sopInstanceUid(), h.studyInstanceUid(), reason, target);
        settle(job, h, false, "dead-lettered: " + reason);
        return StoreOutcome.SUCCESS;
    }

    private StoreOutcome transientFailure(Spool.Entry entry, boolean live, String why) {
        if (live) {
            spool.delete(entry); // the peer gets a failure and retries: its copy is the one that counts
        }
        return reject("kafka-unavailable", StoreOutcome.failure(DicomStatus.OUT_OF_RESOURCES, why + ", retry later"));
    }

    /** Whether the instance came in on a C-MOVE this node asked for (a backlog pull). */
    private boolean ourMove(Spool.Entry entry) {
        return settings.scp().aeTitle().equals(entry.moveOriginatorAe());
    }

    private StoreOutcome reject(String reason, StoreOutcome outcome) {
        metrics.counter("cxr.ingest.instances.rejected", "reason", reason).increment();
        return outcome;
    }

    private void settle(String job, InstanceHeader h, boolean queued, String reason) {
        if (job != null) {
            backlog.settled(h.sopInstanceUid(), queued, reason);
        }
    }
}

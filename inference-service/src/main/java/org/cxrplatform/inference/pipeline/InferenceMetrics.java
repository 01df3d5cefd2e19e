package org.cxrplatform.inference.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.cxrplatform.contracts.Lane;

/**
 * The service's Prometheus metrics. Engine: {@code cxr_inference_engine_slots},
 * {@code cxr_inference_engine_running}, {@code cxr_inference_engine_limit}. Per lane:
 * {@code cxr_inference_lag}, {@code cxr_inference_admitted_total},
 * {@code cxr_inference_finished_total} (tag {@code reason}), {@code cxr_inference_admission_wait_seconds},
 * {@code cxr_inference_first_token_seconds}, {@code cxr_inference_batch_size},
 * {@code cxr_inference_tokens_per_second}, {@code cxr_inference_generated_tokens_total},
 * {@code cxr_inference_queue_seconds}, {@code cxr_inference_model_seconds}, {@code cxr_inference_e2e_seconds}
 * (p50/p95/p99 and histogram buckets), {@code cxr_inference_oom_retries_total}, {@code cxr_dlq_total},
 * {@code cxr_inference_requeued_total}, {@code cxr_reports_published_total},
 * {@code cxr_alerts_published_total}, {@code cxr_inference_inflight_mark_seconds},
 * {@code cxr_inference_crash_recoveries_total}, {@code cxr_inference_crash_dead_lettered_total}. Thread-safe.
 */
public final class InferenceMetrics {

    private final MeterRegistry registry;
    private final Map<Lane, LaneMeters> lanes = new EnumMap<>(Lane.class);
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger limit = new AtomicInteger();

    public InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("cxr.inference.engine.slots", slots, AtomicInteger::get)
                .description("Studies the engine decodes together at most (its memory budget)")
                .register(registry);
        Gauge.builder("cxr.inference.engine.running", running, AtomicInteger::get)
                .description("Studies in the engine now (prefilling or decoding)")
                .register(registry);
        Gauge.builder("cxr.inference.engine.limit", limit, AtomicInteger::get)
                .description("Studies the loop admits at most now: the slots, halved after an out-of-memory step")
                .register(registry);
        for (Lane lane : Lane.values()) {
            lanes.put(lane, new LaneMeters(registry, lane.name().toLowerCase(Locale.ROOT)));
        }
    }

    private static final class LaneMeters {
        final AtomicLong lag = new AtomicLong();
        final Counter admitted;
        final Timer admissionWait;
        final Timer firstToken;
        final DistributionSummary batchSize;
        final DistributionSummary tokensPerSecond;
        final Counter tokens;
        final Timer queue;
        final Timer model;
        final Timer e2e;
        final Counter oomRetries;
        final Counter dlq;
        final Counter requeued;
        final Counter reports;
        final Counter alerts;
        final Timer inFlightMark;
        final Counter crashRecoveries;
        final Counter crashDeadLettered;

        LaneMeters(MeterRegistry r, String lane) {
            Gauge.builder("cxr.inference.lag", lag, AtomicLong::get)
                    .tag("lane", lane)
                    .description("Studies waiting in the lane: end offset minus position, plus fetched but not yet run")
                    .register(r);
            admitted = Counter.builder("cxr.inference.admitted")
                    .tag("lane", lane)
                    .description("Studies admitted into the engine's running batch")
                    .register(r);
            admissionWait = Timer.builder("cxr.inference.admission.wait")
                    .tag("lane", lane)
                    .description("Time from fetching a study off its lane to its admission at an engine step")
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .register(r);
            firstToken = Timer.builder("cxr.inference.first.token")
                    .tag("lane", lane)
                    .description("receivedAt at ingest to the report's first generated token")
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .register(r);
            batchSize = DistributionSummary.builder("cxr.inference.batch.size")
                    .tag("lane", lane)
                    .description("Studies in the engine when a study was admitted: the running batch it joined")
                    .publishPercentiles(0.5, 0.99)
                    .register(r);
            tokensPerSecond = DistributionSummary.builder("cxr.inference.tokens.per.second")
                    .tag("lane", lane)
                    .description("Generated tokens per second of a study's time in the engine")
                    .publishPercentiles(0.5)
                    .register(r);
            tokens = Counter.builder("cxr.inference.generated.tokens")
                    .tag("lane", lane)
                    .register(r);
            queue = Timer.builder("cxr.inference.queue")
                    .tag("lane", lane)
                    .description("Time a study waited before it entered the engine (receivedAt to admission)")
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .register(r);
            model = Timer.builder("cxr.inference.model")
                    .tag("lane", lane)
                    .description("Time a study spent in the engine (admission to its last token)")
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .register(r);
            e2e = Timer.builder("cxr.inference.e2e")
                    .tag("lane", lane)
                    .description("receivedAt at ingest to report acknowledged by Kafka")
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(10))
                    .maximumExpectedValue(Duration.ofHours(2))
                    .register(r);
            oomRetries = Counter.builder("cxr.inference.oom.retries")
                    .tag("lane", lane)
                    .description("Studies run again after an out-of-memory engine step (the admission limit halves)")
                    .register(r);
            dlq = Counter.builder("cxr.dlq")
                    .tag("lane", lane)
                    .tag("stage", "inference")
                    .description("Studies given up on and sent to the dead-letter topic")
                    .register(r);
            requeued = Counter.builder("cxr.inference.requeued")
                    .tag("lane", lane)
                    .description("Failed studies put back on their lane for another attempt")
                    .register(r);
            reports = Counter.builder("cxr.reports.published").tag("lane", lane).register(r);
            alerts = Counter.builder("cxr.alerts.published").tag("lane", lane).register(r);
            inFlightMark = Timer.builder("cxr.inference.inflight.mark")
                    .tag("lane", lane)
                    .description("Synchronous commit of the in-flight marker before studies enter the engine")
                    .publishPercentiles(0.5, 0.99)
                    .register(r);
            crashRecoveries = Counter.builder("cxr.inference.crash.recoveries")
                    .tag("lane", lane)
                    .description(
                            "Partitions assigned with an in-flight marker: the previous owner died with studies in the model")
                    .register(r);
            crashDeadLettered = Counter.builder("cxr.inference.crash.dead.lettered")
                    .tag("lane", lane)
                    .description(
                            "Studies dead-lettered because the process died max-attempts times with them alone in the model")
                    .register(r);
        }
    }

    /** The engine's slots, the studies in it and the loop's admission limit, after each step. */
    public void engine(int slotCount, int runningCount, int admissionLimit) {
        slots.set(slotCount);
        running.set(runningCount);
        limit.set(admissionLimit);
    }

    public void lag(Lane lane, long value) {
        lanes.get(lane).lag.set(value);
    }

    public long lag(Lane lane) {
        return lanes.get(lane).lag.get();
    }

    /**
     * A study got a slot.
     *
     * @param sinceFetched time since it was fetched off its lane
     * @param sinceReceived time since ingest received it
     * @param joinedBatchOf studies in the engine with it
     */
    public void admitted(Lane lane, Duration sinceFetched, Duration sinceReceived, int joinedBatchOf) {
        LaneMeters m = lanes.get(lane);
        m.admitted.increment();
        m.admissionWait.record(sinceFetched);
        m.batchSize.record(joinedBatchOf);
        if (!sinceReceived.isNegative()) {
            m.queue.record(sinceReceived);
        }
    }

    public void firstToken(Lane lane, Duration sinceReceived) {
        if (!sinceReceived.isNegative()) {
            lanes.get(lane).firstToken.record(sinceReceived);
        }
    }

    /** A study left the engine: {@code reason} is its stop reason ("eos", "max_new_tokens", "repetition") or "failed". */
    public void finished(Lane lane, String reason, int generatedTokens, long engineNanos) {
        LaneMeters m = lanes.get(lane);
        registry.counter("cxr.inference.finished", "lane", lane.name().toLowerCase(Locale.ROOT), "reason", reason)
                .increment();
        m.tokens.increment(generatedTokens);
        m.model.record(Duration.ofNanos(engineNanos));
        if (engineNanos > 0 && generatedTokens > 0) {
            m.tokensPerSecond.record(generatedTokens * 1e9 / engineNanos);
        }
    }

    public void reportPublished(Lane lane, Duration endToEnd) {
        LaneMeters m = lanes.get(lane);
        m.reports.increment();
        if (endToEnd != null && !endToEnd.isNegative()) {
            m.e2e.record(endToEnd);
        }
    }

    public void alertPublished(Lane lane) {
        lanes.get(lane).alerts.increment();
    }

    public void oomRetry(Lane lane) {
        lanes.get(lane).oomRetries.increment();
    }

    public void deadLettered(Lane lane) {
        lanes.get(lane).dlq.increment();
    }

    public void inFlightMark(Lane lane, long nanos) {
        lanes.get(lane).inFlightMark.record(Duration.ofNanos(nanos));
    }

    public void crashRecovery(Lane lane) {
        lanes.get(lane).crashRecoveries.increment();
    }

    /** A study the in-flight guard gave up on; also counted in {@code cxr_dlq_total}. */
    public void crashDeadLettered(Lane lane) {
        lanes.get(lane).crashDeadLettered.increment();
        deadLettered(lane);
    }

    public void requeued(Lane lane) {
        lanes.get(lane).requeued.increment();
    }

    public double oomRetries(Lane lane) {
        return lanes.get(lane).oomRetries.count();
    }

    public double deadLetteredCount(Lane lane) {
        return lanes.get(lane).dlq.count();
    }
}

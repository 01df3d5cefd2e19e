package org.cxrplatform.inference.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.cxrplatform.contracts.Lane;

/**
 * The service's Prometheus metrics, per lane. Names as scraped: {@code cxr_inference_lag},
 * {@code cxr_inference_batch_size}, {@code cxr_inference_tokens_per_second},
 * {@code cxr_inference_generated_tokens_total}, {@code cxr_inference_queue_seconds},
 * {@code cxr_inference_model_seconds}, {@code cxr_inference_e2e_seconds} (p50/p95/p99 and
 * histogram buckets), {@code cxr_inference_oom_retries_total}, {@code cxr_dlq_total},
 * {@code cxr_inference_requeued_total}, {@code cxr_reports_published_total},
 * {@code cxr_alerts_published_total}, {@code cxr_inference_inflight_mark_seconds},
 * {@code cxr_inference_crash_recoveries_total}, {@code cxr_inference_crash_dead_lettered_total}. Thread-safe.
 */
public final class InferenceMetrics {

    private final Map<Lane, LaneMeters> lanes = new EnumMap<>(Lane.class);

    public InferenceMetrics(MeterRegistry registry) {
        for (Lane lane : Lane.values()) {
            lanes.put(lane, new LaneMeters(registry, lane.name().toLowerCase()));
        }
    }

    private static final class LaneMeters {
        final AtomicLong lag = new AtomicLong();
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
            Gauge.builder("cxr.inference.lag", lag, AtomicLong::get).tag("lane", lane)
                    .description("Studies waiting in the lane: end offset minus position, plus fetched but not yet run").register(r);
            batchSize = DistributionSummary.builder("cxr.inference.batch.size").tag("lane", lane)
                    .description("Studies per model call").publishPercentiles(0.5, 0.99).register(r);
            tokensPerSecond = DistributionSummary.builder("cxr.inference.tokens.per.second").tag("lane", lane)
                    .description("Generated tokens per second of model time, per model call").publishPercentiles(0.5).register(r);
            tokens = Counter.builder("cxr.inference.generated.tokens").tag("lane", lane).register(r);
            queue = Timer.builder("cxr.inference.queue").tag("lane", lane)
                    .description("Time a study waited before its model call (receivedAt to start)")
                    .publishPercentiles(0.5, 0.95, 0.99).register(r);
            model = Timer.builder("cxr.inference.model").tag("lane", lane)
                    .description("Wall time of one model call").publishPercentiles(0.5, 0.95, 0.99).register(r);
            e2e = Timer.builder("cxr.inference.e2e").tag("lane", lane)
                    .description("receivedAt at ingest to report acknowledged by Kafka")
                    .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2)).register(r);
            oomRetries = Counter.builder("cxr.inference.oom.retries").tag("lane", lane)
                    .description("Batches split in half after an out-of-memory error").register(r);
            dlq = Counter.builder("cxr.dlq").tag("lane", lane).tag("stage", "inference")
                    .description("Studies given up on and sent to the dead-letter topic").register(r);
            requeued = Counter.builder("cxr.inference.requeued").tag("lane", lane)
                    .description("Failed studies put back on their lane for another attempt").register(r);
            reports = Counter.builder("cxr.reports.published").tag("lane", lane).register(r);
            alerts = Counter.builder("cxr.alerts.published").tag("lane", lane).register(r);
            inFlightMark = Timer.builder("cxr.inference.inflight.mark").tag("lane", lane)
                    .description("Synchronous commit of the in-flight marker before a model call").publishPercentiles(0.5, 0.99).register(r);
            crashRecoveries = Counter.builder("cxr.inference.crash.recoveries").tag("lane", lane)
                    .description("Partitions assigned with an in-flight marker: the previous owner died mid model call").register(r);
            crashDeadLettered = Counter.builder("cxr.inference.crash.dead.lettered").tag("lane", lane)
                    .description("Studies dead-lettered because the process died max-attempts times with them alone in the model")
                    .register(r);
        }
    }

    public void lag(Lane lane, long value) {
        lanes.get(lane).lag.set(value);
    }

    public long lag(Lane lane) {
        return lanes.get(lane).lag.get();
    }

    public void modelCall(Lane lane, int batchSize, int generatedTokens, long nanos) {
        LaneMeters m = lanes.get(lane);
        m.batchSize.record(batchSize);
        m.tokens.increment(generatedTokens);
        m.model.record(Duration.ofNanos(nanos));
        if (nanos > 0) {
            m.tokensPerSecond.record(generatedTokens * 1e9 / nanos);
        }
    }

    public void queued(Lane lane, Duration waited) {
        if (!waited.isNegative()) {
            lanes.get(lane).queue.record(waited);
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

package org.cxrplatform.report.quality;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.cxrplatform.contracts.findings.Finding;
import org.jboss.logging.Logger;

/**
 * Prometheus gauges of the live quality, per model version (all time), refreshed every
 * {@code cxr.report.quality.refresh}: {@code cxr_quality_acceptance_ratio{model_version,outcome}}
 * (accepted | edited | rejected), {@code cxr_quality_decisions{model_version,outcome}} (counts,
 * plus pending), {@code cxr_quality_f1{model_version,finding}} (each finding, plus
 * {@code macro_paper_six} and {@code macro_all}); NaN while a figure is undefined. Per-week figures
 * are in {@code GET /api/quality} only (a week label would grow without bound in Prometheus).
 */
@ApplicationScoped
public class QualityMetrics {

    private static final Logger LOG = Logger.getLogger(QualityMetrics.class);

    @Inject
    QualityService quality;

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

    @Scheduled(
            every = "${cxr.report.quality.refresh}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warnf("quality figures not refreshed: %s", e.getMessage());
        }
    }

    public QualityService.Quality refresh() {
        QualityService.Quality q = QuarkusTransaction.requiringNew().call(quality::compute);
        for (QualityService.Group g : q.models()) {
            String m = g.modelVersion();
            set("cxr.quality.acceptance.ratio", Tags.of("model_version", m, "outcome", "accepted"), g.acceptanceRate());
            set("cxr.quality.acceptance.ratio", Tags.of("model_version", m, "outcome", "edited"), g.editRate());
            set("cxr.quality.acceptance.ratio", Tags.of("model_version", m, "outcome", "rejected"), g.rejectionRate());
            set("cxr.quality.decisions", Tags.of("model_version", m, "outcome", "accepted"), (double) g.accepted());
            set("cxr.quality.decisions", Tags.of("model_version", m, "outcome", "edited"), (double) g.edited());
            set("cxr.quality.decisions", Tags.of("model_version", m, "outcome", "rejected"), (double) g.rejected());
            set("cxr.quality.decisions", Tags.of("model_version", m, "outcome", "pending"), (double) g.pending());
            for (Finding f : Finding.values()) {
                set(
                        "cxr.quality.f1",
                        Tags.of("model_version", m, "finding", f.name()),
                        g.findings().get(f).f1());
            }
            set("cxr.quality.f1", Tags.of("model_version", m, "finding", "macro_paper_six"), g.macroF1PaperSix());
            set("cxr.quality.f1", Tags.of("model_version", m, "finding", "macro_all"), g.macroF1All());
        }
        return q;
    }

    private void set(String name, Tags tags, Double value) {
        String key = name + tags;
        values.computeIfAbsent(key, k -> {
                    AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
                    Gauge.builder(name, holder, h -> h.get() == null ? Double.NaN : h.get())
                            .tags(tags)
                            .register(registry);
                    return holder;
                })
                .set(value == null ? Double.NaN : value);
    }
}

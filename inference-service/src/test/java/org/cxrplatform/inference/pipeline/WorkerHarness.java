package org.cxrplatform.inference.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.inference.KafkaTestSupport;
import org.cxrplatform.inference.TinyModel;
import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.GenerationOptions;

/** Fresh topics per test and workers on their own threads, each with its own tiny engine, against the devstack broker. */
final class WorkerHarness implements AutoCloseable {

    final String stat;
    final String routine;
    final String reports;
    final String alerts;
    final String dlq;
    final String group;
    private final List<Running> running = new ArrayList<>();

    record Running(
            InferenceWorker worker,
            Thread thread,
            InferenceMetrics metrics,
            SimpleMeterRegistry registry,
            ReportModel model) {}

    WorkerHarness() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        stat = "t" + id + ".studies.stat";
        routine = "t" + id + ".studies.routine";
        reports = "t" + id + ".reports";
        alerts = "t" + id + ".alerts";
        dlq = "t" + id + ".dlq";
        group = "t" + id + "-inference";
        Devstack.kafka().createTopics(List.of(stat, routine, reports, alerts, dlq), 3);
    }

    WorkerSettings settings(double routineShare, int maxAttempts, GenerationOptions generation) {
        return new WorkerSettings(
                KafkaTestSupport.bootstrap(),
                group,
                EnumSet.allOf(Lane.class),
                Map.of(Lane.STAT, stat, Lane.ROUTINE, routine),
                reports,
                alerts,
                dlq,
                routineShare,
                maxAttempts,
                Set.of(Finding.PNEUMOTHORAX),
                generation,
                2,
                Map.of());
    }

    WorkerSettings settings(int maxAttempts) {
        return settings(0.2, maxAttempts, TinyModel.OPTIONS);
    }

    WorkerSettings defaults() {
        return settings(3);
    }

    /** A worker on a fresh tiny engine, wrapped by {@code simulate} (a test model simulating what the tiny model cannot do). */
    Running start(WorkerSettings settings, UnaryOperator<ReportModel> simulate, FindingsReader findings) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InferenceMetrics metrics = new InferenceMetrics(registry);
        ReportModel model = simulate.apply(TinyModel.load());
        GenerationOptions g = settings.generation();
        InferenceWorker worker = new InferenceWorker(
                settings,
                model,
                InferenceWorker.identityOf(model, g.greedyDecoding() ? "greedy" : "sample"),
                findings,
                metrics);
        Thread thread = new Thread(worker);
        thread.setDaemon(true);
        thread.start();
        Running r = new Running(worker, thread, metrics, registry, model);
        running.add(r);
        return r;
    }

    Running start(WorkerSettings settings) {
        return start(settings, m -> m, Findings.READER);
    }

    /** Waits until the worker owns at least {@code partitions} partitions, all lanes together. */
    static void awaitAssigned(InferenceWorker worker, int partitions) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (worker.assignedPartitions().size() < partitions && System.nanoTime() < deadline) {
            sleep(50);
        }
        if (worker.assignedPartitions().size() < partitions) {
            throw new AssertionError("worker " + worker.instanceId() + " got only " + worker.assignedPartitions());
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Running r : running) {
            r.worker().requestStop();
        }
        for (Running r : running) {
            if (r.worker().awaitStop(Duration.ofSeconds(30))) {
                r.model().close();
            }
        }
    }
}

package org.cxrplatform.ingest.backlog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.ingest.pipeline.BacklogHook;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs backlog jobs one after another: C-FIND the PACS for the request, then C-MOVE each found
 * instance to our own SCP at a fixed rate. Moved instances arrive through the normal C-STORE path;
 * the pipeline recognises them through {@link BacklogHook} (routine lane, counted here as queued,
 * skipped or failed). Job state is saved after every instance, and jobs left unfinished by a
 * restart resume from their first pending instance.
 *
 * <pre>{@code
 * BacklogService backlog = new BacklogService(store, pacs, 5.0);
 * pipeline.backlogHook(backlog);
 * backlog.resumeUnfinished();
 * BacklogJob.Progress p = backlog.submit(new JobRequest(from, to, "CR", "CHEST"));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class BacklogService implements BacklogHook, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BacklogService.class);

    private final JobStore store;
    private final PacsClient pacs;
    private final double ratePerSecond;
    private final Map<String, BacklogJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, BacklogJob> jobBySop = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "backlog-jobs");
        t.setDaemon(true);
        return t;
    });

    /** @param ratePerSecond C-MOVEs per second, > 0 ({@code cxr.ingest.backlog.rate-per-second}) */
    public BacklogService(JobStore store, PacsClient pacs, double ratePerSecond) {
        this.store = store;
        this.pacs = pacs;
        this.ratePerSecond = ratePerSecond;
    }

    /** Loads saved jobs and restarts the unfinished ones. */
    public void resumeUnfinished() {
        for (BacklogJob job : store.loadAll()) {
            jobs.put(job.id, job);
            if (job.state != BacklogJob.State.DONE && job.state != BacklogJob.State.FAILED) {
                LOG.infof("resuming backlog job %s (%s)", job.id, job.state);
                index(job);
                runner.execute(() -> run(job));
            }
        }
    }

    public BacklogJob.Progress submit(JobRequest request) {
        BacklogJob job = new BacklogJob();
        job.id = UUID.randomUUID().toString();
        job.request = request;
        job.createdAt = Instant.now();
        job.updatedAt = job.createdAt;
        jobs.put(job.id, job);
        synchronized (job) {
            store.save(job);
        }
        runner.execute(() -> run(job));
        return progress(job);
    }

    public Optional<BacklogJob.Progress> progress(String id) {
        BacklogJob job = jobs.get(id);
        return job == null ? Optional.empty() : Optional.of(progress(job));
    }

    public List<BacklogJob.Progress> all() {
        return jobs.values().stream()
                .map(this::progress)
                .sorted((a, b) -> a.createdAt().compareTo(b.createdAt()))
                .toList();
    }

    private BacklogJob.Progress progress(BacklogJob job) {
        synchronized (job) {
            return job.progress();
        }
    }

    private void run(BacklogJob job) {
        MDC.put("backlogJob", job.id);
        try {
            if (!job.found) {
                update(job, j -> j.state = BacklogJob.State.FINDING);
                List<PacsClient.Found> found = pacs.find(job.request);
                update(job, j -> {
                    j.items.clear();
                    found.forEach(f -> j.items.add(
                            new BacklogJob.Item(f.studyInstanceUid(), f.seriesInstanceUid(), f.sopInstanceUid())));
                    j.found = true;
                    j.state = BacklogJob.State.RETRIEVING;
                });
                index(job);
                LOG.infof("backlog job %s: %d instances found", job.id, found.size());
            } else {
                update(job, j -> j.state = BacklogJob.State.RETRIEVING);
            }
            long intervalNanos = (long) (1e9 / ratePerSecond);
            long next = System.nanoTime();
            for (BacklogJob.Item item : List.copyOf(job.items)) {
                if (item.state != BacklogJob.ItemState.PENDING) {
                    continue;
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next = Math.max(next, System.nanoTime() - intervalNanos) + intervalNanos;
                try {
                    pacs.move(new PacsClient.Found(item.studyInstanceUid, item.seriesInstanceUid, item.sopInstanceUid));
                    update(job, j -> {
                        if (item.state == BacklogJob.ItemState.PENDING) {
                            item.state =
                                    BacklogJob.ItemState.RETRIEVED; // settled() already ran when the PACS stored it
                        }
                    });
                } catch (Exception e) {
                    update(job, j -> {
                        if (item.state == BacklogJob.ItemState.PENDING
                                || item.state == BacklogJob.ItemState.RETRIEVED) {
                            item.state = BacklogJob.ItemState.FAILED;
                            item.reason = "C-MOVE failed: " + e.getMessage();
                        }
                    });
                }
            }
            update(job, j -> j.state = BacklogJob.State.DONE);
            LOG.infof("backlog job %s done: %s", job.id, progress(job));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: resumes on the next start
        } catch (Exception e) {
            LOG.errorf("backlog job %s failed: %s", job.id, e.toString());
            update(job, j -> {
                j.state = BacklogJob.State.FAILED;
                j.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            });
        } finally {
            MDC.remove("backlogJob");
        }
    }

    private void index(BacklogJob job) {
        synchronized (job) {
            for (BacklogJob.Item i : job.items) {
                if (i.state == BacklogJob.ItemState.PENDING || i.state == BacklogJob.ItemState.RETRIEVED) {
                    jobBySop.put(i.sopInstanceUid, job);
                }
            }
        }
    }

    private void update(BacklogJob job, java.util.function.Consumer<BacklogJob> change) {
        synchronized (job) {
            change.accept(job);
            job.updatedAt = Instant.now();
            store.save(job);
        }
    }

    @Override
    public String jobOf(String sopInstanceUid) {
        BacklogJob job = jobBySop.get(sopInstanceUid);
        return job == null ? null : job.id;
    }

    @Override
    public void settled(String sopInstanceUid, boolean queued, String reason) {
        BacklogJob job = jobBySop.remove(sopInstanceUid);
        if (job == null) {
            return;
        }
        update(
                job,
                j -> j.items.stream()
                        .filter(i -> i.sopInstanceUid.equals(sopInstanceUid))
                        .forEach(i -> {
                            i.state = queued
                                    ? BacklogJob.ItemState.QUEUED
                                    : reason != null && reason.startsWith("skipped")
                                            ? BacklogJob.ItemState.SKIPPED
                                            : BacklogJob.ItemState.FAILED;
                            i.reason = reason;
                        }));
    }

    @Override
    public void close() {
        runner.shutdownNow();
        try {
            runner.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

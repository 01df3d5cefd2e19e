package org.cxrplatform.report.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cxrplatform.report.ReportConfig;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Drains the outbox: every poll it starts, per destination with due entries and not already
 * being drained, a sender thread that takes the due head of each (destination, order key) line,
 * sends it while holding its row lock (so replicas never send the same entry twice at once), and
 * records the outcome in the same transaction. Failures back off exponentially
 * ({@code initial-backoff * 2^(attempts-1)}, capped at {@code max-backoff}); after
 * {@code max-attempts} the entry is parked and blocks later entries of its line until an admin
 * re-sends it. State lives only in the database, so a restart resumes where it stopped.
 */
@ApplicationScoped
public class OutboxWorker {

    private static final Logger LOG = Logger.getLogger(OutboxWorker.class);

    @Inject
    OutboxRepository repository;

    @Inject
    Instance<OutboxSender> senders;

    @Inject
    ReportConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    Event<DeliveryFinished> finished;

    private final AtomicLong risPending = new AtomicLong();
    private final Map<String, OutboxSender> byKind = new HashMap<>();
    private volatile Instant lastPollFinished;
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "outbox-sender");
        t.setDaemon(true);
        return t;
    });

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    void onStart(@Observes StartupEvent start) {
        registry.gauge("cxr.ris.outbox.pending", risPending);
        senders.forEach(s -> byKind.put(s.kind(), s));
    }

    @Scheduled(
            every = "${cxr.report.outbox.poll}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        for (String destination : QuarkusTransaction.requiringNew().call(repository::dueDestinations)) {
            if (busy.add(destination)) {
                executor.execute(() -> {
                    try {
                        drain(destination);
                    } catch (RuntimeException e) {
                        LOG.errorf(
                                e,
                                "delivery to %s stopped: %s (retried at the next poll)",
                                destination,
                                e.getMessage());
                    } finally {
                        busy.remove(destination);
                    }
                });
            }
        }
        risPending.set(
                QuarkusTransaction.requiringNew().call(() -> repository.count(OutboxEntry.PENDING, OutboxEntry.HL7)));
        lastPollFinished = Instant.now();
    }

    /**
     * An urgent entry was committed on this replica: poll now instead of up to {@code outbox.poll}
     * later, which is most of a STAT report's wait when the outbox was idle. A destination already
     * draining sees it after its current send instead. Other replicas find it at their next poll.
     */
    void onUrgentQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) UrgentEntryQueued queued) {
        if (wakePending.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    wakePending.set(false);
                    poll();
                });
            } catch (RejectedExecutionException stopping) {
                wakePending.set(false); // shutting down: the entry is committed and sent after the restart
            }
        }
    }

    /** Keeps the outbox small: delivered entries past {@code cxr.report.outbox.retention} go. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        int n = QuarkusTransaction.requiringNew()
                .call(() -> repository.purgeDelivered(
                        Instant.now().minus(config.outbox().retention())));
        if (n > 0) {
            LOG.infof(
                    "purged %d delivered outbox entries older than %s",
                    n, config.outbox().retention());
        }
    }

    /**
     * Sends everything due for one destination, line head by line head, until nothing more is due.
     * Each destination drains on its own thread (at most one at a time), so a RIS that times out
     * does not hold back the PACS, the FHIR server, the alert webhook or another RIS, and a long
     * backlog of one destination does not delay the others.
     *
     * @return how many entries were delivered
     */
    public int drain(String destination) {
        int delivered = 0;
        while (true) {
            List<Long> due = QuarkusTransaction.requiringNew()
                    .call(() -> repository.dueHeads(destination, config.outbox().batchSize()));
            Pass pass = send(destination, due);
            delivered += pass.delivered();
            if (pass.delivered() == 0 && !pass.preempted()) {
                return delivered;
            }
        }
    }

    /**
     * Sends a batch of heads in order. After each attempt it checks whether an urgent head outside
     * the batch became due (stored, or out of backoff, since the batch was read, here or on another
     * replica) and if so ends the pass, so the next batch starts with it: a STAT report waits for
     * the one send in progress, not for the rest of the batch.
     */
    private Pass send(String destination, List<Long> batch) {
        int delivered = 0;
        for (int i = 0; i < batch.size(); i++) {
            Outcome outcome = deliver(batch.get(i));
            if (outcome == Outcome.DELIVERED) {
                delivered++;
            }
            // only after an attempt: an entry another replica holds changed nothing here, so re-reading could spin
            if (outcome != Outcome.BUSY
                    && i + 1 < batch.size()
                    && QuarkusTransaction.requiringNew().call(() -> repository.urgentHeadWaiting(destination, batch))) {
                return new Pass(delivered, true);
            }
        }
        return new Pass(delivered, false);
    }

    /** What one pass over a batch did; a preempted pass always attempted at least one entry. */
    private record Pass(int delivered, boolean preempted) {}

    private enum Outcome {
        DELIVERED,
        FAILED,
        BUSY
    }

    /** When the last poll completed (null before the first), for the liveness check. */
    public Instant lastPollFinished() {
        return lastPollFinished;
    }

    /** BUSY: no longer due, or locked by another replica. */
    private Outcome deliver(long id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Optional<OutboxEntry> locked = repository.lockDue(id);
            if (locked.isEmpty()) {
                return Outcome.BUSY;
            }
            OutboxEntry entry = locked.get();
            MDC.put("outboxId", entry.id());
            MDC.put("destination", entry.destination());
            try {
                OutboxSender sender = byKind.get(entry.kind());
                if (sender == null) {
                    throw new IllegalStateException("no sender for outbox kind " + entry.kind());
                }
                String note = sender.send(entry);
                repository.markDelivered(entry.id(), note);
                finished.fire(DeliveryFinished.of(entry, true));
                counter("cxr.outbox.delivered", entry.kind()).increment();
                LOG.infof(
                        "delivered %s #%d to %s (%s) after %d attempt(s)",
                        entry.summary(), entry.id(), entry.destination(), note, entry.attempts() + 1);
                return Outcome.DELIVERED;
            } catch (Exception e) {
                int attempts = entry.attempts() + 1;
                boolean park = attempts >= config.outbox().maxAttempts();
                String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                repository.markFailed(entry.id(), error, Instant.now().plus(backoff(attempts)), park);
                if (park) {
                    finished.fire(DeliveryFinished.of(entry, false));
                }
                counter("cxr.outbox.failures", entry.kind()).increment();
                if (park) {
                    LOG.errorf(
                            "parked %s #%d for %s after %d attempts: %s (re-send with POST /api/outbox/%d/resend)",
                            entry.summary(), entry.id(), entry.destination(), attempts, error, entry.id());
                } else {
                    LOG.warnf(
                            "attempt %d of %s #%d to %s failed: %s",
                            attempts, entry.summary(), entry.id(), entry.destination(), error);
                }
                return Outcome.FAILED;
            } finally {
                MDC.remove("outboxId");
                MDC.remove("destination");
            }
        });
    }

    Duration backoff(int attempts) {
        Duration initial = config.outbox().initialBackoff();
        Duration max = config.outbox().maxBackoff();
        int shift = Math.min(attempts - 1, 30);
        Duration d = initial.multipliedBy(1L << shift);
        return d.compareTo(max) > 0 || d.isNegative() ? max : d;
    }

    private Counter counter(String name, String kind) {
        return registry.counter(name, "kind", kind);
    }
}

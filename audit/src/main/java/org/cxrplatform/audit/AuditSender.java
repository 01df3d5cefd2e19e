package org.cxrplatform.audit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sends audit events to the syslog collector without ever holding up the caller: {@link #send}
 * only puts the event on a bounded queue (capacity {@code cxr.audit.syslog.queue-capacity}); one
 * thread writes them in order and, when the collector cannot be reached, retries the same message
 * with a doubling wait (up to {@code max-backoff-ms}) until it goes through. A full queue drops the
 * new event and counts it ({@code cxr_audit_syslog_dropped_total}): a collector outage never stops
 * clinical work, and the service's own audit table still holds every event.
 *
 * <p>Over TCP and TLS a message counts as sent once written to the socket; syslog has no
 * acknowledgement, so messages written just before the collector dies can be lost with the
 * connection. Over UDP nothing tells whether a message arrived.
 */
public final class AuditSender implements MeterBinder, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuditSender.class);
    private static final long FIRST_BACKOFF_MILLIS = 250;

    private final AuditConfig config;
    private final AuditXml xml;
    private final BlockingQueue<AuditEvent> queue;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread worker;
    private volatile boolean closing;

    /** Starts the sender thread if a collector is configured; otherwise {@link #send} returns false. */
    public AuditSender(AuditConfig config) {
        this.config = config;
        this.xml = new AuditXml(config.sourceId(), config.siteId().orElse(null));
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        if (config.host().isPresent()) {
            SyslogTransport transport = SyslogTransport.of(config);
            worker = new Thread(() -> run(transport), "audit-syslog");
            worker.setDaemon(true);
            worker.start();
            LOG.infof(
                    "audit messages go to syslog %s://%s:%d",
                    config.protocol().name().toLowerCase(), config.host().get(), config.port());
        } else {
            worker = null;
            LOG.info("no audit syslog collector (cxr.audit.syslog.host unset): audit goes to the local table only");
        }
    }

    /** AuditSourceID of this service's messages (it is also the UserID when the service itself acts). */
    public String sourceId() {
        return config.sourceId();
    }

    public String hostname() {
        return config.hostname();
    }

    /**
     * Queues an event for the collector; never blocks. False if no collector is configured or the
     * queue is full (the event is then counted as dropped).
     */
    public boolean send(AuditEvent event) {
        if (worker == null) {
            return false;
        }
        if (queue.offer(event)) {
            return true;
        }
        if (dropped.incrementAndGet() == 1 || dropped.get() % 1000 == 0) {
            LOG.warnf(
                    "audit syslog queue full (%d): %d audit messages dropped so far (they are in the local audit table)",
                    config.queueCapacity(), dropped.get());
        }
        return false;
    }

    private void run(SyslogTransport transport) {
        try {
            while (!closing || !queue.isEmpty()) {
                AuditEvent event = queue.poll(200, TimeUnit.MILLISECONDS);
                if (event != null) {
                    deliver(transport, event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            transport.close();
        }
    }

    private void deliver(SyslogTransport transport, AuditEvent event) throws InterruptedException {
        byte[] message = SyslogMessage.encode(
                event.at(), config.hostname(), config.appName(), event.outcome() == Outcome.SUCCESS, xml.write(event));
        long backoff = FIRST_BACKOFF_MILLIS;
        int tries = 0;
        while (true) {
            try {
                transport.send(message);
                sent.incrementAndGet();
                if (tries > 0) {
                    LOG.infof("audit syslog collector reachable again after %d failed tries", tries);
                }
                return;
            } catch (IOException e) {
                failures.incrementAndGet();
                if (tries++ == 0) {
                    LOG.warnf(
                            "audit syslog collector %s:%d unreachable (%s); retrying, %d messages waiting",
                            config.host().orElse("?"), config.port(), e.getMessage(), queue.size() + 1);
                }
                if (closing) {
                    dropped.incrementAndGet();
                    return;
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, config.maxBackoffMillis());
            }
        }
    }

    public long sent() {
        return sent.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long failures() {
        return failures.get();
    }

    public int waiting() {
        return queue.size();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("cxr.audit.syslog.sent", this, AuditSender::sent)
                .description("audit messages written to the syslog collector")
                .register(registry);
        FunctionCounter.builder("cxr.audit.syslog.dropped", this, AuditSender::dropped)
                .description("audit messages not sent to syslog because the queue was full (still in the local table)")
                .register(registry);
        FunctionCounter.builder("cxr.audit.syslog.failures", this, AuditSender::failures)
                .description("failed attempts to write to the syslog collector (each is retried)")
                .register(registry);
        Gauge.builder("cxr.audit.syslog.waiting", this, AuditSender::waiting)
                .description("audit messages queued for the syslog collector")
                .register(registry);
    }

    /** Gives the queue up to {@code drainMillis} to empty, then stops; what is left is counted as dropped. */
    public void close(long drainMillis) {
        if (worker == null) {
            return;
        }
        closing = true;
        try {
            worker.join(drainMillis);
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dropped.addAndGet(queue.size());
        queue.clear();
    }

    @Override
    public void close() {
        close(5_000);
    }
}

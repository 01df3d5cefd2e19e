package org.cxrplatform.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.ingest.audit.IngestAudit;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.decode.DecoderPool;
import org.cxrplatform.ingest.pipeline.IngestPipeline;
import org.cxrplatform.ingest.publish.EventPublisher;
import org.cxrplatform.ingest.scp.DicomServer;
import org.cxrplatform.ingest.select.LaneRules;
import org.cxrplatform.ingest.select.Selection;
import org.cxrplatform.ingest.spool.Spool;
import org.jboss.logging.Logger;

/**
 * The ingest node assembled: spool, Kafka publisher, native decoder workers, pipeline and the DICOM SCP, plus a
 * background task that re-processes what the spool still holds (after a crash or a Kafka
 * outage). The Quarkus application runs one; tests and the benchmark build their own.
 *
 * <pre>{@code
 * try (IngestNode node = new IngestNode(config, Map.of("bootstrap.servers", "localhost:9092"),
 *         new SimpleMeterRegistry()).start()) {
 *     // storescu -aec <config.scp().aeTitle()> localhost <node.port()> file.dcm
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class IngestNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IngestNode.class);

    private final IngestConfig config;
    private final Map<String, String> kafkaClient;
    private final MeterRegistry metrics;
    private Spool spool;
    private EventPublisher publisher;
    private DecoderPool decoders;
    private IngestPipeline pipeline;
    private DicomServer server;
    private ScheduledExecutorService recovery;

    /**
     * @param kafkaClient Kafka client settings ({@code kafka.*} without the prefix, see
     *                    {@link org.cxrplatform.contracts.KafkaClientSettings}): {@code bootstrap.servers}, TLS, SASL
     */
    public IngestNode(IngestConfig config, Map<String, String> kafkaClient, MeterRegistry metrics) {
        if (kafkaClient.get("bootstrap.servers") == null) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is not set");
        }
        this.config = config;
        this.kafkaClient = Map.copyOf(kafkaClient);
        this.metrics = metrics;
    }

    private volatile IngestAudit audit = IngestAudit.NONE;

    /** Where received instances are audited; set before {@link #start} so recovered ones are too. */
    public IngestNode audit(IngestAudit audit) {
        this.audit = audit;
        return this;
    }

    public synchronized IngestNode start() {
        spool = new Spool(config.dataDir().resolve("spool"));
        publisher = new EventPublisher(
                kafkaClient.get("bootstrap.servers"), config.deliveryTimeout(), kafkaClient, metrics);
        decoders = new DecoderPool(
                        config.decoders(), config.render(), config.dataDir().resolve("decoders"), metrics)
                .start();
        pipeline = new IngestPipeline(
                spool,
                new Selection(config.selection()),
                new LaneRules(config.lanes()),
                publisher,
                decoders,
                config,
                metrics);
        pipeline.audit(audit);
        recovery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spool-recovery");
            t.setDaemon(true);
            return t;
        });
        // Partial transfers of a previous run (their senders got no success) go before the SCP writes new ones.
        int partials = spool.removePartials();
        if (partials > 0) {
            LOG.infof("spool: removed %d partial transfers left by a previous run", partials);
        }
        server = new DicomServer(config.scp(), spool.incomingDir(), pipeline, metrics).start();
        long every = Math.max(1, config.recoveryInterval().toMillis());
        recovery.scheduleWithFixedDelay(this::recoverQuietly, 0, every, TimeUnit.MILLISECONDS);
        long purgeEvery = Math.max(1, config.quarantinePurgeInterval().toMillis());
        recovery.scheduleWithFixedDelay(this::purgeQuarantine, 0, purgeEvery, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Deletes quarantined files past their retention: one log line per file, a counter of them all. */
    private void purgeQuarantine() {
        try {
            List<Path> purged = spool.purgeQuarantine(Instant.now().minus(config.quarantineRetention()));
            for (Path f : purged) {
                LOG.infof(
                        "purged quarantined %s (older than cxr.ingest.quarantine-retention=%s)",
                        f.getFileName(), config.quarantineRetention());
            }
            metrics.counter("cxr.ingest.quarantine.purged").increment(purged.size());
        } catch (RuntimeException e) {
            LOG.warnf("quarantine purge failed: %s", e.getMessage());
        }
    }

    private void recoverQuietly() {
        try {
            if (spool.pendingCount() > 0) {
                int n = pipeline.recover();
                if (n > 0) {
                    LOG.infof("spool recovery settled %d instances", n);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("spool recovery failed: %s", e.getMessage());
        }
    }

    public boolean isListening() {
        return server != null && server.isListening();
    }

    public int port() {
        return server.port();
    }

    public String aeTitle() {
        return config.scp().aeTitle();
    }

    /** The native decoder workers (readiness, tests). */
    public DecoderPool decoders() {
        return decoders;
    }

    public IngestPipeline pipeline() {
        return pipeline;
    }

    public Spool spool() {
        return spool;
    }

    public IngestConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        if (recovery != null) {
            recovery.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (decoders != null) {
            decoders.close();
        }
    }
}

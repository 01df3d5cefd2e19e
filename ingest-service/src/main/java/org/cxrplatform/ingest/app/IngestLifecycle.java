package org.cxrplatform.ingest.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.cxrplatform.audit.AuditConfig;
import org.cxrplatform.audit.AuditSender;
import org.cxrplatform.contracts.KafkaClientSettings;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.audit.IngestAudit;
import org.cxrplatform.ingest.config.IngestConfig;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Checks the configuration, then starts the ingest node (SCP, spool recovery, publisher) with the
 * application and stops it with it. A configuration problem fails the start-up, naming the key.
 */
@ApplicationScoped
public class IngestLifecycle {

    private static final Logger LOG = Logger.getLogger(IngestLifecycle.class);

    private final IngestConfig config;
    private final Config properties;
    private final MeterRegistry metrics;
    private volatile IngestNode node;
    private volatile AuditSender sender;
    private volatile IngestAudit audit = IngestAudit.NONE;

    public IngestLifecycle(IngestConfig config, Config properties, MeterRegistry metrics) {
        this.config = config;
        this.properties = properties;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        config.validate();
        System.setProperty("java.awt.headless", "true");
        if (config.scp().allowedCallingAes().isEmpty()) {
            LOG.warn("cxr.ingest.allowed-calling-aes is empty: every calling AE title is admitted");
        }
        // kafka.* (bootstrap servers, TLS, SASL) for the hand-built producer, as Quarkus' own Kafka clients take them.
        var kafka = KafkaClientSettings.from(
                properties.getPropertyNames(), n -> properties.getOptionalValue(n, String.class));
        AuditConfig auditConfig = AuditConfig.from(properties, "cxr-ingest-service");
        sender = new AuditSender(auditConfig);
        sender.bindTo(metrics);
        // Without a collector no audit message is built at all.
        audit = auditConfig.host().isPresent()
                ? new IngestAudit(sender, config.scp().aeTitle())
                : IngestAudit.NONE;
        node = new IngestNode(config, kafka, metrics).audit(audit).start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (node != null) {
            node.close();
        }
        if (sender != null) {
            sender.close();
        }
    }

    /** The audit trail of this node (instances received, PACS queries, orders); NONE before start-up. */
    public IngestAudit audit() {
        return audit;
    }

    /** The running node, null before start-up. */
    public IngestNode node() {
        return node;
    }
}

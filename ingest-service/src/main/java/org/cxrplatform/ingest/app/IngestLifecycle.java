package org.cxrplatform.ingest.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashSet;
import java.util.List;
import org.cxrplatform.contracts.KafkaClientSettings;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.IngestSettings;
import org.cxrplatform.ingest.pipeline.PipelineSettings;
import org.cxrplatform.ingest.render.RenderSettings;
import org.cxrplatform.ingest.scp.ScpSettings;
import org.cxrplatform.ingest.select.LaneSettings;
import org.cxrplatform.ingest.select.SelectionSettings;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Starts the ingest node (SCP, spool recovery, publisher) with the application and stops it with it. */
@ApplicationScoped
public class IngestLifecycle {

    private static final Logger LOG = Logger.getLogger(IngestLifecycle.class);

    private final IngestConfig config;
    private final MeterRegistry metrics;
    private final String kafkaBootstrap;
    private volatile IngestNode node;

    public IngestLifecycle(IngestConfig config, MeterRegistry metrics,
                           @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092") String kafkaBootstrap) {
        this.config = config;
        this.metrics = metrics;
        this.kafkaBootstrap = kafkaBootstrap;
    }

    void onStart(@Observes StartupEvent event) {
        System.setProperty("java.awt.headless", "true");
        IngestSettings settings = settings();
        if (settings.scp().allowedCallingAes().isEmpty()) {
            LOG.warn("cxr.ingest.allowed-calling-aes is empty: every calling AE title is admitted");
        }
        node = new IngestNode(settings, metrics).start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (node != null) {
            node.close();
        }
    }

    /** The running node, null before start-up. */
    public IngestNode node() {
        return node;
    }

    IngestSettings settings() {
        ScpSettings scp = new ScpSettings(config.aeTitle(), config.bindAddress(), config.dicomPort(),
                new HashSet<>(trimmed(config.allowedCallingAes().orElse(List.of()))), config.maxAssociations(),
                config.maxInstanceBytes(), config.idleTimeout(), config.dataDir().resolve("spool/incoming"));
        IngestConfig.Selection s = config.selection();
        SelectionSettings selection = new SelectionSettings(upper(s.modalities()), upper(s.chestTerms()),
                upper(s.frontalViews()), upper(s.lateralViews()));
        IngestConfig.Lanes l = config.lanes();
        LaneSettings lanes = new LaneSettings(upper(l.statPriorities()), upper(l.statLocations()),
                new HashSet<>(trimmed(l.statCallingAes().orElse(List.of()))));
        IngestConfig.Render r = config.render();
        RenderSettings render = new RenderSettings(r.maxEdge(), r.maxPixels(), r.maxDimension(), r.maxFrameBytes(),
                r.gdcmLibrary(), r.gdcmconv());
        PipelineSettings pipeline = new PipelineSettings(config.phiInEvents(), r.maxConcurrentDecodes(), r.maxInlineBytes(),
                config.aeTitle());
        return new IngestSettings(scp, config.dataDir().resolve("spool"), selection, lanes, render, pipeline,
                kafkaBootstrap, config.deliveryTimeout(), config.recoveryInterval(), kafkaClientSettings());
    }

    /** The kafka.* settings (TLS, SASL) of this application's configuration, for the hand-built producer. */
    private static java.util.Map<String, String> kafkaClientSettings() {
        org.eclipse.microprofile.config.Config mp = ConfigProvider.getConfig();
        return KafkaClientSettings.from(mp.getPropertyNames(), n -> mp.getOptionalValue(n, String.class));
    }

    private static List<String> trimmed(List<String> values) {
        return values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static java.util.Set<String> upper(List<String> values) {
        return new HashSet<>(trimmed(values).stream().map(v -> v.toUpperCase(java.util.Locale.ROOT)).toList());
    }
}

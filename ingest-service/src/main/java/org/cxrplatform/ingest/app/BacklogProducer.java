package org.cxrplatform.ingest.app;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.backlog.BacklogService;
import org.cxrplatform.ingest.backlog.DicomWebPacsClient;
import org.cxrplatform.ingest.backlog.JobStore;
import org.cxrplatform.ingest.backlog.PacsClient;
import org.cxrplatform.ingest.config.IngestConfig;

/** Builds the backlog service when a PACS is configured, hooks it into the pipeline, resumes saved jobs. */
@ApplicationScoped
public class BacklogProducer {

    private final IngestConfig config;
    private final IngestLifecycle lifecycle;
    private volatile BacklogService service;

    public BacklogProducer(IngestConfig config, IngestLifecycle lifecycle) {
        this.config = config;
        this.lifecycle = lifecycle;
    }

    // After IngestLifecycle (default priority): the pipeline must exist.
    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        PacsClient client = client(config, lifecycle.node());
        if (client == null) {
            return;
        }
        client.audit(lifecycle.audit());
        service = new BacklogService(
                new JobStore(config.dataDir().resolve("jobs")),
                client,
                config.backlog().ratePerSecond());
        lifecycle.node().pipeline().backlogHook(service);
        service.resumeUnfinished();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (service != null) {
            service.close();
        }
    }

    /** The configured backlog PACS (cxr.ingest.backlog.*); null when none. */
    static PacsClient client(IngestConfig config, IngestNode node) {
        IngestConfig.Backlog b = config.backlog();
        String ourAe = config.scp().aeTitle();
        return switch (b.protocol()) {
            // dicomweb-url is required with DICOMWEB (IngestConfig.validate)
            case DICOMWEB ->
                new DicomWebPacsClient(
                        b.dicomwebUrl().orElseThrow(),
                        b.dicomwebAuthorization().orElse(null),
                        node.pipeline(),
                        node.spool().incomingDir(),
                        config.scp().maxInstanceBytes(),
                        ourAe);
            case DIMSE ->
                b.pacsHost()
                        .map(h -> new PacsClient(h, b.pacsPort(), b.pacsAeTitle(), ourAe))
                        .orElse(null);
        };
    }

    public Optional<BacklogService> service() {
        return Optional.ofNullable(service);
    }
}

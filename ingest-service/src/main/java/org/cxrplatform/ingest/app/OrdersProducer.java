package org.cxrplatform.ingest.app;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.Optional;
import org.cxrplatform.ingest.backlog.PacsClient;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.orders.OrderService;
import org.cxrplatform.ingest.orders.OrderStore;
import org.cxrplatform.ingest.orders.PushedAccessions;

/**
 * Starts the HL7 order listener when {@code cxr.ingest.orders.mllp-port} is set: orders in
 * {@code DATA/orders}, pushed accession numbers in {@code DATA/orders/pushed-accessions.log},
 * MLLP over TLS when {@code cxr.ingest.orders.tls.enabled}, retrieval from the backlog PACS
 * ({@code cxr.ingest.backlog.*}), hooked into the pipeline so instances of an order take its lane.
 */
@ApplicationScoped
public class OrdersProducer {

    private final IngestConfig config;
    private final IngestLifecycle lifecycle;
    private volatile OrderService service;

    public OrdersProducer(IngestConfig config, IngestLifecycle lifecycle) {
        this.config = config;
        this.lifecycle = lifecycle;
    }

    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1100) StartupEvent event)
            throws InterruptedException {
        IngestConfig.Orders orders = config.orders();
        if (orders.mllpPort().isEmpty()) {
            return;
        }
        Path dir = config.dataDir().resolve("orders");
        service = new OrderService(
                        orders,
                        new OrderStore(dir),
                        new PushedAccessions(dir.resolve("pushed-accessions.log"), orders.pushedRetention()),
                        auditedClient())
                .audit(lifecycle.audit())
                .start();
        lifecycle.node().pipeline().orderHook(service);
    }

    private PacsClient auditedClient() {
        var client = BacklogProducer.client(config, lifecycle.node());
        return client == null ? null : client.audit(lifecycle.audit());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (service != null) {
            service.close();
        }
    }

    public Optional<OrderService> service() {
        return Optional.ofNullable(service);
    }
}

package org.cxrplatform.ingest.app;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.cxrplatform.ingest.backlog.PacsClient;
import org.cxrplatform.ingest.orders.MllpTls;
import org.cxrplatform.ingest.orders.OrderService;
import org.cxrplatform.ingest.orders.OrderSettings;
import org.cxrplatform.ingest.orders.OrderStore;
import org.cxrplatform.ingest.orders.PushedAccessions;

/**
 * Starts the HL7 order listener when {@code cxr.ingest.orders.mllp-port} is set: orders in
 * {@code DATA/orders}, pushed accession numbers in {@code DATA/orders/pushed-accessions.log},
 * MLLP over TLS when {@code cxr.ingest.orders.tls.enabled}, retrieval from the backlog PACS
 * ({@code cxr.ingest.backlog.pacs-*}), hooked into the pipeline so instances of an order take its lane.
 */
@ApplicationScoped
public class OrdersProducer {

    private final IngestConfig config;
    private final IngestLifecycle lifecycle;
    private final OrdersConfig ordersConfig;
    private volatile OrderService service;

    public OrdersProducer(IngestConfig config, IngestLifecycle lifecycle, OrdersConfig ordersConfig) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.ordersConfig = ordersConfig;
    }

    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1100) StartupEvent event)
            throws InterruptedException {
        IngestConfig.Orders o = config.orders();
        if (o.mllpPort().isEmpty()) {
            return;
        }
        PacsClient pacs = BacklogProducer.client(config, lifecycle);
        OrderSettings settings = new OrderSettings(o.mllpPort().get(), upper(o.chestTerms()), upper(o.radiographTerms()),
                upper(o.procedureCodes()), upper(o.completeStatuses()), upper(o.statPriorities()),
                upper(o.statPatientClasses()), o.retrieveAttempts(), o.retryDelay(), ordersConfig.pushedRetention(),
                tls());
        Path dir = config.dataDir().resolve("orders");
        service = new OrderService(settings, new OrderStore(dir),
                new PushedAccessions(dir.resolve("pushed-accessions.log"), ordersConfig.pushedRetention()), pacs).start();
        lifecycle.node().pipeline().orderHook(service);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (service != null) {
            service.close();
        }
    }

    public Optional<OrderService> service() {
        return Optional.ofNullable(service);
    }

    private MllpTls tls() {
        OrdersConfig.Tls tls = ordersConfig.tls();
        if (!tls.enabled()) {
            return null;
        }
        Path keyStore = tls.keyStore().orElseThrow(() -> new IllegalStateException(
                "cxr.ingest.orders.tls.enabled=true needs cxr.ingest.orders.tls.key-store"));
        return new MllpTls(keyStore, tls.keyStorePassword().orElse(null), tls.trustStore().orElse(null),
                tls.trustStorePassword().orElse(null), tls.requireClientCert());
    }

    private static Set<String> upper(List<String> values) {
        Set<String> out = new HashSet<>();
        for (String v : values) {
            if (!v.isBlank()) {
                out.add(v.trim().toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }
}

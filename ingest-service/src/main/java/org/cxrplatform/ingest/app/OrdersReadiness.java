package org.cxrplatform.ingest.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.cxrplatform.ingest.config.IngestConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** When the HL7 order listener is configured: ready once it listens. */
@Readiness
@ApplicationScoped
public class OrdersReadiness implements HealthCheck {

    private final OrdersProducer orders;
    private final IngestConfig.Orders config;

    public OrdersReadiness(OrdersProducer orders, IngestConfig config) {
        this.orders = orders;
        this.config = config.orders();
    }

    @Override
    public HealthCheckResponse call() {
        if (config.mllpPort().isEmpty()) {
            return HealthCheckResponse.named("hl7-orders")
                    .up()
                    .withData("listener", "disabled")
                    .build();
        }
        boolean running = orders.service().map(s -> s.isRunning()).orElse(false);
        return HealthCheckResponse.named("hl7-orders")
                .status(running)
                .withData("port", config.mllpPort().get())
                .withData("tls", config.tls().enabled())
                .build();
    }
}

package org.cxrplatform.report.outbox;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.cxrplatform.report.ReportConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the schema is there and the outbox can be read (the datasource and Kafka checks come
 * from their extensions). Liveness: the delivery worker has finished a poll recently. Parked
 * entries are reported but do not make the service unready: they need an operator, not a restart.
 */
public class OutboxHealth {

    @ApplicationScoped
    @Readiness
    public static class Ready implements HealthCheck {
        @Inject
        OutboxRepository outbox;

        @Override
        public HealthCheckResponse call() {
            try {
                long pending = QuarkusTransaction.requiringNew()
                        .call(() -> outbox.count(OutboxEntry.PENDING, OutboxEntry.HL7));
                long parked = QuarkusTransaction.requiringNew().call(() -> outbox.count(OutboxEntry.PARKED, null));
                return HealthCheckResponse.named("outbox")
                        .up()
                        .withData("risPending", pending)
                        .withData("parked", parked)
                        .build();
            } catch (RuntimeException e) {
                return HealthCheckResponse.named("outbox")
                        .down()
                        .withData("error", String.valueOf(e.getMessage()))
                        .build();
            }
        }
    }

    @ApplicationScoped
    @Liveness
    public static class Live implements HealthCheck {
        @Inject
        OutboxWorker worker;

        @Inject
        ReportConfig config;

        @Override
        public HealthCheckResponse call() {
            Instant last = worker.lastPollFinished();
            Duration allowed = config.outbox()
                    .poll()
                    .multipliedBy(10)
                    .plus(config.ris().ackTimeout().multipliedBy(config.outbox().batchSize()));
            boolean up = last == null || Duration.between(last, Instant.now()).compareTo(allowed) < 0;
            return HealthCheckResponse.named("outbox-worker")
                    .status(up)
                    .withData("lastPollFinished", String.valueOf(last))
                    .build();
        }
    }
}

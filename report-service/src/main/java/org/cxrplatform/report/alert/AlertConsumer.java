package org.cxrplatform.report.alert;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.CriticalAlert;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.report.store.DeadLetters;
import org.cxrplatform.report.store.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

/** Consumes {@code cxr.alerts}: invalid payloads go to {@code cxr.dlq}, valid ones are stored once. */
@ApplicationScoped
public class AlertConsumer {

    static final int MAX_ATTEMPTS = 5;

    @Inject
    AlertIngest ingest;

    @Inject
    DeadLetters deadLetters;

    @Incoming("alerts")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, byte[]> record) {
        CriticalAlert alert;
        try {
            alert = EventJson.read(record.value(), CriticalAlert.class);
        } catch (EventJson.InvalidEventException e) {
            deadLetters.send(record, e.getMessage(), e, 1, record.key());
            return;
        }
        MDC.put("studyInstanceUid", alert.studyInstanceUid());
        try {
            Retry.store("alert " + alert.alertId(), MAX_ATTEMPTS, () -> ingest.store(alert));
        } catch (RuntimeException e) {
            deadLetters.send(
                    record, "cannot store alert: " + e.getMessage(), e, MAX_ATTEMPTS, alert.studyInstanceUid());
        } finally {
            MDC.remove("studyInstanceUid");
        }
    }
}

package org.cxrplatform.report.store;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.ReportEvent;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

/**
 * Consumes {@code cxr.reports}. A payload that is not a valid ReportEvent goes to {@code cxr.dlq}
 * with the reason; a valid one is stored (idempotently) before its offset is committed.
 */
@ApplicationScoped
public class ReportConsumer {

    static final int MAX_ATTEMPTS = 5;

    @Inject
    ReportIngest ingest;

    @Inject
    DeadLetters deadLetters;

    @Incoming("reports")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, byte[]> record) {
        ReportEvent event;
        try {
            event = EventJson.read(record.value(), ReportEvent.class);
            validate(event);
        } catch (EventJson.InvalidEventException | IllegalArgumentException e) {
            deadLetters.send(record, e.getMessage(), e, 1, record.key());
            return;
        }
        MDC.put("studyInstanceUid", event.studyInstanceUid());
        try {
            Retry.store("report " + event.reportId(), MAX_ATTEMPTS, () -> ingest.store(event));
        } catch (RuntimeException e) {
            deadLetters.send(record, "cannot store report: " + e.getMessage(), e, MAX_ATTEMPTS, event.studyInstanceUid());
        } finally {
            MDC.remove("studyInstanceUid");
        }
    }

    static void validate(ReportEvent e) {
        if (e == null) {
            throw new IllegalArgumentException("empty ReportEvent");
        }
        if (e.lane() == null) {
            throw new IllegalArgumentException("ReportEvent " + e.reportId() + " has no lane");
        }
        if (e.model().modelId() == null || e.model().modelId().isBlank()) {
            throw new IllegalArgumentException("ReportEvent " + e.reportId() + " has no model.modelId");
        }
        if (e.triagePriority() != null && (e.triagePriority() < 1 || e.triagePriority() > 3)) {
            throw new IllegalArgumentException("ReportEvent " + e.reportId() + " has triagePriority " + e.triagePriority()
                    + " outside 1..3");
        }
        if (e.studyInstanceUid().isBlank() || e.text().isBlank()) {
            throw new IllegalArgumentException("ReportEvent " + e.reportId() + " has a blank study UID or text");
        }
    }
}

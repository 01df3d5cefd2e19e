package org.cxrplatform.report.store;

import java.time.Instant;
import org.cxrplatform.report.outbox.OutboxMessage;

/**
 * Turns a report change into outbox entries for one kind of destination (RIS, PACS, FHIR).
 * Called inside the transaction that changed the report, so the change and its messages commit together.
 */
public interface ReportExporter {

    /** @param actor who made the change ("ai" for drafts) */
    void enqueue(StoredReport report, ResultStatus status, String actor, Instant at);

    /** An outbox message about {@code report}: in the report's line, urgent when the report is. */
    static OutboxMessage message(
            StoredReport report, String kind, String destination, String summary, String messageId, byte[] payload) {
        return new OutboxMessage(
                kind, destination, report.orderKey(), report.urgent(), report.pk(), null, summary, messageId, payload);
    }
}

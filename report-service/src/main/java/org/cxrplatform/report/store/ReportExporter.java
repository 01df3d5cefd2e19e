package org.cxrplatform.report.store;

import java.time.Instant;

/**
 * Turns a report change into outbox entries for one kind of destination (RIS, PACS, FHIR).
 * Called inside the transaction that changed the report, so the change and its messages commit together.
 */
public interface ReportExporter {

    /** @param actor who made the change ("ai" for drafts) */
    void enqueue(StoredReport report, ResultStatus status, String actor, Instant at);
}

package org.cxrplatform.report.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.outbox.OutboxRepository;
import org.jboss.logging.Logger;

/**
 * Stores an AI draft exactly once per (study, model version) and, in the same transaction, its
 * status history entry and its preliminary messages for RIS, PACS and FHIR. A re-delivered event
 * finds the row already there and changes nothing: no row, no history, no outbox entry.
 */
@ApplicationScoped
public class ReportIngest {

    private static final Logger LOG = Logger.getLogger(ReportIngest.class);
    public static final String AI_ACTOR = "ai";

    @Inject
    ReportStore store;

    @Inject
    Instance<ReportExporter> exporters;

    @Inject
    OutboxRepository outbox;

    /** @return the stored draft, or empty for a re-delivery */
    @Transactional
    public Optional<StoredReport> store(ReportEvent event) {
        outbox.lockLines(List.of(orderKey(event)));
        return storeOne(event);
    }

    /**
     * Stores the events in one transaction, in the given order (the consumer calls it once for a
     * poll's STAT reports, then once for its routine ones). Any failure rolls back every event.
     * Every outbox line the events queue into is held first, all at once, before any row is written:
     * another replica storing the same patients waits for this commit instead of deadlocking with it.
     *
     * @return how many were new (the rest were re-deliveries)
     */
    @Transactional
    public int storeAll(List<ReportEvent> events) {
        outbox.lockLines(events.stream().map(ReportIngest::orderKey).toList());
        int inserted = 0;
        for (ReportEvent event : events) {
            if (storeOne(event).isPresent()) {
                inserted++;
            }
        }
        return inserted;
    }

    private Optional<StoredReport> storeOne(ReportEvent event) {
        Optional<StoredReport> inserted = store.insertDraft(event, triagePriority(event), orderKey(event));
        if (inserted.isEmpty()) {
            LOG.infof(
                    "report %s of study %s (model %s) is already stored: re-delivery ignored",
                    event.reportId(), event.studyInstanceUid(), event.model().version());
            return inserted;
        }
        StoredReport report = inserted.get();
        store.addHistory(report.pk(), null, ReportStatus.DRAFT, AI_ACTOR, "AI draft received");
        Instant now = Instant.now();
        exporters.forEach(e -> e.enqueue(report, ResultStatus.PRELIMINARY, AI_ACTOR, now));
        LOG.infof(
                "stored AI draft %s of study %s (lane %s, priority %d)",
                report.reportId(), report.studyInstanceUid(), report.lane(), report.triagePriority());
        return inserted;
    }

    /** The event's triage priority, or 1 when it affirms a pneumothorax, 2 when it hedges on one, else 3. */
    public static int triagePriority(ReportEvent event) {
        if (event.triagePriority() != null) {
            return event.triagePriority();
        }
        FindingState ptx = event.findings().getOrDefault(Finding.PNEUMOTHORAX, FindingState.NOT_MENTIONED);
        return ptx == FindingState.PRESENT ? 1 : ptx == FindingState.UNCERTAIN ? 2 : 3;
    }

    /** The line RIS messages queue in: the patient when known, else the accession, else the study. */
    static String orderKey(ReportEvent event) {
        if (event.patient() != null && event.patient().id() != null) {
            return "patient:"
                    + (event.patient().issuer() == null ? "" : event.patient().issuer() + "|")
                    + event.patient().id();
        }
        if (event.accessionNumber() != null && !event.accessionNumber().isBlank()) {
            return "accession:" + event.accessionNumber();
        }
        return "study:" + event.studyInstanceUid();
    }
}

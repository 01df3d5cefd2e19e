package org.cxrplatform.report.store;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes {@code cxr.reports} in batches (one poll per call). A payload that is not a valid
 * ReportEvent goes to {@code cxr.dlq} with the reason; a valid one is stored (idempotently) before
 * its offset is committed.
 */
@ApplicationScoped
public class ReportConsumer {

    private static final Logger LOG = Logger.getLogger(ReportConsumer.class);
    static final int MAX_ATTEMPTS = 5;

    @Inject
    ReportIngest ingest;

    @Inject
    DeadLetters deadLetters;

    /**
     * One poll at a time: invalid payloads are dead-lettered one by one; the valid STAT ones (lane
     * STAT or triage priority 1) are stored in one transaction, then the routine ones in another.
     * STAT gets its own, earlier commit because the outbox sender sees an entry only once it is
     * committed: sharing the transaction made a STAT report wait for the storing of up to a whole
     * poll of routine reports. If a transaction fails for any reason other than a lost database,
     * each of its records is stored on its own (retried, dead-lettered alone if it keeps failing).
     * A lost database is waited out. The poll's offsets are committed only after this method
     * returns, i.e. after every record is stored or dead-lettered; a crash between the two commits
     * re-delivers the poll and the STAT reports already stored are recognised as re-deliveries.
     */
    @Incoming("reports")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> records) {
        List<Parsed> urgent = new ArrayList<>();
        List<Parsed> routine = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            ReportEvent event;
            try {
                event = EventJson.read(record.value(), ReportEvent.class);
            } catch (EventJson.InvalidEventException e) {
                deadLetters.send(record, e.getMessage(), e, 1, record.key());
                continue;
            }
            (isUrgent(event) ? urgent : routine).add(new Parsed(record, event));
        }
        storeTogether(urgent);
        storeTogether(routine);
    }

    /** Stores the records in one transaction, in offset order, or one by one if that transaction fails. */
    private void storeTogether(List<Parsed> parsed) {
        if (parsed.size() > 1) {
            try {
                List<ReportEvent> events = parsed.stream().map(Parsed::event).toList();
                long t0 = System.nanoTime();
                // maxAttempts 1: any failure other than a lost database goes to the per-record path at once
                int inserted = Retry.store("batch of " + events.size() + " reports", 1, () -> ingest.storeAll(events));
                LOG.debugf(
                        "stored %d reports (%d new) in one transaction in %d ms",
                        events.size(), inserted, (System.nanoTime() - t0) / 1_000_000);
                return;
            } catch (RuntimeException e) {
                LOG.warnf(
                        "storing a batch of %d reports failed (%s): storing them one by one",
                        parsed.size(), e.getMessage());
            }
        }
        for (Parsed p : parsed) {
            storeOne(p.record(), p.event());
        }
    }

    private void storeOne(ConsumerRecord<String, byte[]> record, ReportEvent event) {
        MDC.put("studyInstanceUid", event.studyInstanceUid());
        try {
            Retry.store("report " + event.reportId(), MAX_ATTEMPTS, () -> ingest.store(event));
        } catch (RuntimeException e) {
            deadLetters.send(
                    record, "cannot store report: " + e.getMessage(), e, MAX_ATTEMPTS, event.studyInstanceUid());
        } finally {
            MDC.remove("studyInstanceUid");
        }
    }

    /** STAT lane or triage priority 1 (critical): stored and delivered before routine reports of the same poll. */
    static boolean isUrgent(ReportEvent event) {
        return event.lane() == Lane.STAT || ReportIngest.triagePriority(event) == 1;
    }

    private record Parsed(ConsumerRecord<String, byte[]> record, ReportEvent event) {}
}

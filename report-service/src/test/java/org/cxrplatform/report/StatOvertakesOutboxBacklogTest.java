package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.report.ris.RisExporter;
import org.cxrplatform.report.store.ReportIngest;
import org.cxrplatform.report.store.ReportStore;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.Test;

/**
 * A STAT report stored while a long routine backlog drains from the outbox to the RIS must be the
 * next ORU^R01 the RIS receives, not the one after the sender's current batch. Real PostgreSQL,
 * the real worker and sender, a real MLLP listener. The STAT report is committed from inside the
 * listener while it holds the ACK of the n-th routine ORU, so "after the commit" is exact and does
 * not depend on how fast this machine is.
 */
@QuarkusTest
class StatOvertakesOutboxBacklogTest {

    /** One replica, so one sender thread for the RIS: at most the ORU it has in flight may come first. */
    static final int SENDERS = 1;

    @Inject
    ReportStore store;

    @Inject
    RisExporter risExporter;

    @Inject
    ReportIngest ingest;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aStatReportStoredWhileARoutineBacklogDrainsIsTheNextOruTheRisReceives() throws SQLException {
        HookServer.shared();
        RisPeer ris = ReportServiceResources.ris();
        ris.start();
        StoreAndRisTest.awaitOutboxIdle();
        ris.clear();

        String tag = "OB" + UUID.randomUUID().toString().substring(0, 6);
        // The first store of a JVM initialises the SR and FHIR builders (over a second here), and the hook's
        // store must finish within the RIS ack-timeout (1 s in tests): warm the path up first.
        ingest.store(Fixtures.report(
                "W" + tag, Fixtures.patient("W" + tag), Lane.ROUTINE, "No acute findings.", Fixtures.MODEL));
        StoreAndRisTest.awaitOutboxIdle();
        int backlog = 300;
        int trigger = 20; // the STAT report is stored while the RIS holds the ACK of this routine ORU
        // the routine backlog: HL7 entries only (both RIS), one patient each, committed at once
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now();
            for (int i = 0; i < backlog; i++) {
                ReportEvent e = Fixtures.report(
                        tag + "-R" + i,
                        Fixtures.patient(tag + "-P" + i),
                        Lane.ROUTINE,
                        "No acute findings.",
                        Fixtures.MODEL);
                risExporter.enqueue(
                        store.insertDraft(e, 3, "patient:HOSP|" + tag + "-P" + i)
                                .orElseThrow(),
                        ResultStatus.PRELIMINARY,
                        ReportIngest.AI_ACTOR,
                        now);
            }
        });
        ReportEvent stat = Fixtures.report(
                tag + "-STAT", Fixtures.patient(tag + "-PS"), Lane.STAT, "Large right pneumothorax.", Fixtures.MODEL);
        AtomicInteger routineSeen = new AtomicInteger();
        AtomicLong storedAt = new AtomicLong();
        ris.beforeAnswer(accession -> {
            if (accession.startsWith(tag + "-R") && routineSeen.incrementAndGet() == trigger) {
                ingest.store(stat); // the real ingest path: report, history, outbox entries, one transaction
                storedAt.set(System.nanoTime());
            }
        });

        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> ris.accepted().stream().anyMatch(r -> r.accession().equals(stat.accessionNumber())));
        long statMs = (System.nanoTime() - storedAt.get()) / 1_000_000;
        List<String> order = ris.accepted().stream()
                .map(RisPeer.Oru::accession)
                .filter(a -> a.startsWith(tag + "-"))
                .toList();
        int statPosition = order.indexOf(stat.accessionNumber());
        // the trigger ORU and those before it reached the RIS before the STAT report existed
        int routineAfterCommit = statPosition - trigger;
        System.out.printf(
                "BENCHMARK report-service outbox preemption: routine backlog %d, STAT report committed while the RIS held"
                        + " routine ORU #%d; routine ORUs received after the commit and before the STAT ORU: %d; STAT ORU at the RIS %d ms"
                        + " after the commit%n",
                backlog, trigger, routineAfterCommit, statMs);
        assertThat(routineAfterCommit)
                .as("routine ORUs the RIS received between the STAT commit and the STAT ORU")
                .isBetween(0, SENDERS);

        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ris.accepted().stream()
                                .filter(r -> r.accession().startsWith(tag + "-"))
                                .map(RisPeer.Oru::accession)
                                .distinct()
                                .count()
                        == backlog + 1);
        StoreAndRisTest.awaitOutboxIdle();
        forgetBacklog(tag);
    }

    /**
     * The backlog was written straight to the store (no history, delivered by now): remove it, so
     * 300 routine drafts do not push other tests' reports off the worklist page.
     */
    void forgetBacklog(String tag) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (String sql : List.of(
                    "DELETE FROM outbox WHERE report_pk IN (SELECT id FROM report WHERE accession_number LIKE ?)",
                    "DELETE FROM report WHERE accession_number LIKE ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, tag + "-R%");
                    ps.executeUpdate();
                }
            }
        }
    }
}

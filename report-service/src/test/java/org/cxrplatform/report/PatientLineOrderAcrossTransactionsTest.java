package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.report.outbox.OutboxRepository;
import org.cxrplatform.report.store.ReportIngest;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.Test;

/**
 * Two report-service replicas store two reports of one patient at the same moment (here two
 * transactions on two threads: two database sessions, as two replicas have; the database is all
 * they share). The patient's ORUs must still reach each RIS in the order the reports were queued.
 * Real PostgreSQL, the real store path, worker and sender, real MLLP listeners.
 *
 * <p>What e2e's {@code CrashCampaignTest} found (CI, 2026-12-07): patient PK0000006's ORUs arrived as
 * outbox entries 178, 210, 201, 231. An entry's id is drawn when its row is inserted, not when it
 * commits: replica A's transaction drew 201 and was still open when replica B's drew 210 and
 * committed; for every sender 210 was then the head of the patient's line (201 was not visible), so
 * it went first. Here the first transaction stays open until the second has either committed (that
 * defect: the test then waits for the second ORU to arrive, as it did in the campaign) or is waiting
 * for a lock the first holds; nothing depends on how fast the machine is.
 */
@QuarkusTest
class PatientLineOrderAcrossTransactionsTest {

    @Inject
    ReportIngest ingest;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRepository outbox;

    @Test
    void aPatientsOrusReachEachRisInQueueOrderWhenTwoReplicasStoreThemAtOnce() throws Exception {
        HookServer.shared();
        RisPeer ris = ReportServiceResources.ris();
        StoreAndRisTest.awaitOutboxIdle();
        ris.clear();
        String tag = "LN" + UUID.randomUUID().toString().substring(0, 6);
        Patient patient = Fixtures.patient(tag + "-P");
        ReportEvent first = Fixtures.report(tag + "-1", patient, Lane.ROUTINE, "No acute findings.", Fixtures.MODEL);
        ReportEvent second = Fixtures.report(tag + "-2", patient, Lane.ROUTINE, "Small effusion.", Fixtures.MODEL);

        CountDownLatch firstQueued = new CountDownLatch(1);
        CountDownLatch commitFirst = new CountDownLatch(1);
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            // store joins this transaction: report, history, outbox entries
            Future<?> replicaA = inOpenTransaction(replicas, () -> ingest.store(first), firstQueued, commitFirst);
            assertThat(firstQueued.await(1, TimeUnit.MINUTES))
                    .as("first report queued")
                    .isTrue();
            Future<?> replicaB = replicas.submit(() -> ingest.store(second));
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> replicaB.isDone() || sessionsWaitingForALock(null) > 0);
            if (replicaB.isDone()) {
                replicaB.get();
                await().atMost(Duration.ofMinutes(1)).until(() -> arrived(ris, second));
            }
            commitFirst.countDown();
            replicaA.get(1, TimeUnit.MINUTES);
            replicaB.get(1, TimeUnit.MINUTES);
        } finally {
            commitFirst.countDown();
            replicas.shutdownNow();
        }

        for (RisPeer r : List.of(ris, ReportServiceResources.secondRis())) {
            await().atMost(Duration.ofMinutes(1)).until(() -> arrived(r, first) && arrived(r, second));
            List<String> order = r.accepted().stream()
                    .map(RisPeer.Oru::accession)
                    .filter(a -> a.startsWith(tag))
                    .distinct()
                    .toList();
            assertThat(order)
                    .as("the patient's ORUs at the RIS on port " + r.port() + ", in order of first arrival")
                    .containsExactly(first.accessionNumber(), second.accessionNumber());
        }
    }

    /**
     * A line's lock is on its key's hash, so two transactions taking several lines must take them in the hashes'
     * order, not the keys': with keys {@code x < y < z} where {@code x} and {@code z} share a hash, one transaction
     * taking {@code [x, y]} and another {@code [y, z]} would take the same two locks in opposite orders if each
     * sorted its keys. Made to happen here (a third transaction holds {@code y} until both wait behind it, so the
     * one queued first on {@code y} gets it and then needs the other's lock): PostgreSQL detects the deadlock and
     * aborts one, which this asserts does not happen. Real PostgreSQL; the colliding keys are found by its own
     * {@code hashtext}.
     */
    @Test
    void twoTransactionsTakingLinesWhoseHashesSortAgainstTheirKeysDoNotDeadlock() throws Exception {
        List<String> collision = sameHash();
        String x = collision.get(0);
        String z = collision.get(1);
        String y = x + "-";
        assertThat(x.compareTo(y) < 0 && y.compareTo(z) < 0)
                .as(x + " < " + y + " < " + z)
                .isTrue();

        CountDownLatch yHeld = new CountDownLatch(1);
        CountDownLatch releaseY = new CountDownLatch(1);
        ExecutorService transactions = Executors.newFixedThreadPool(3);
        try {
            Future<?> holder = inOpenTransaction(transactions, () -> outbox.lockLines(List.of(y)), yHeld, releaseY);
            assertThat(yHeld.await(1, TimeUnit.MINUTES))
                    .as("line " + y + " held")
                    .isTrue();
            Future<?> second = transactions.submit(
                    () -> QuarkusTransaction.requiringNew().run(() -> outbox.lockLines(List.of(y, z))));
            await().atMost(Duration.ofMinutes(1)).until(() -> sessionsWaitingForALock("advisory") == 1);
            Future<?> first = transactions.submit(
                    () -> QuarkusTransaction.requiringNew().run(() -> outbox.lockLines(List.of(x, y))));
            await().atMost(Duration.ofMinutes(1)).until(() -> sessionsWaitingForALock("advisory") == 2);
            releaseY.countDown();
            holder.get(1, TimeUnit.MINUTES);
            second.get(1, TimeUnit.MINUTES); // a deadlock aborts one of the two: ExecutionException
            first.get(1, TimeUnit.MINUTES);
        } finally {
            releaseY.countDown();
            transactions.shutdownNow();
        }
    }

    /** Two order keys with the same {@code hashtext}, the smaller first (among 400,000 keys several pairs collide). */
    private List<String> sameHash() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT min(k), max(k) FROM (SELECT 'PK' || g AS k FROM"
                                + " generate_series(1, 400000) AS g) AS keys GROUP BY hashtext(k) HAVING count(*) > 1 LIMIT 1")) {
            assertThat(rs.next()).as("two keys sharing a hash").isTrue();
            return List.of(rs.getString(1), rs.getString(2));
        }
    }

    /** Runs {@code work} in a new transaction, counts {@code done} down, and commits once {@code commit} is counted down. */
    private static Future<?> inOpenTransaction(
            ExecutorService pool, Runnable work, CountDownLatch done, CountDownLatch commit) {
        return pool.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
            work.run();
            done.countDown();
            try {
                commit.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    private static boolean arrived(RisPeer ris, ReportEvent report) {
        return !ris.forAccession(report.accessionNumber()).isEmpty();
    }

    /** Sessions of this database blocked on a lock: of any kind (null), or of one ({@code advisory}: line locks). */
    private long sessionsWaitingForALock(String waitEvent) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
                        + " 'Lock' AND (CAST(? AS text) IS NULL OR wait_event = ?) AND datname = current_database()")) {
            s.setString(1, waitEvent);
            s.setString(2, waitEvent);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

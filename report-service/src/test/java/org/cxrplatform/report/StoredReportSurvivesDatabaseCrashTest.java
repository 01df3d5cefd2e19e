package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.Postgres;
import org.cxrplatform.report.store.ReportIngest;
import org.cxrplatform.report.store.StoredReport;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A report the store confirmed is still there after the database server is killed right away, even
 * on a server whose own default is {@code synchronous_commit = off}: the consumer commits the Kafka
 * offset once the store returns, so a confirmed commit the server then loses is a report lost for good
 * (e2e's crash campaign, 2026-12-07). The server here also waits 10 s between WAL writes, so without
 * report-service's own {@code synchronous_commit = on} the commit is still only in the server's memory
 * when the kill -9 comes. Real PostgreSQL, the real store path.
 */
@QuarkusTest
class StoredReportSurvivesDatabaseCrashTest {

    @Inject
    ReportIngest ingest;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @Test
    void aConfirmedReportAndItsOutboxEntriesSurviveAKillOfAServerThatCommitsAsynchronously() throws Exception {
        Postgres postgres = Devstack.postgres();
        ReportEvent event =
                Fixtures.report("ACC-WAL" + UUID.randomUUID().toString().substring(0, 6));
        long outboxEntries;
        try {
            postgres.stop();
            postgres.withServerConfig("synchronous_commit", "off").withServerConfig("wal_writer_delay", "10000ms");
            postgres.start();
            dataSource.flush(AgroalDataSource.FlushMode.ALL); // the pool's connections died with the server
            try (Connection c = connect()) {
                assertThat(text(c, "SHOW synchronous_commit"))
                        .as("the server's own default")
                        .isEqualTo("off");
            }
            StoredReport stored = ingest.store(event).orElseThrow();
            try (Connection c = connect()) { // a read writes no WAL: the window stays open
                outboxEntries = count(c, "SELECT count(*) FROM outbox WHERE report_pk = ?", stored.pk());
            }
            postgres.crash();
        } finally {
            postgres.withServerConfig("synchronous_commit", null).withServerConfig("wal_writer_delay", null);
            postgres.stop();
            postgres.start();
            dataSource.flush(AgroalDataSource.FlushMode.ALL);
        }
        assertThat(outboxEntries).as("outbox entries queued with the report").isPositive();
        try (Connection c = connect()) {
            assertThat(count(c, "SELECT count(*) FROM report WHERE report_id = ?", event.reportId()))
                    .as("the confirmed report after the crash")
                    .isEqualTo(1);
            assertThat(count(
                            c,
                            "SELECT count(*) FROM outbox o JOIN report r ON r.id = o.report_pk WHERE r.report_id = ?",
                            event.reportId()))
                    .as("its outbox entries after the crash")
                    .isEqualTo(outboxEntries);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Connection c, String sql, Object key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.Postgres;
import org.cxrplatform.testsupport.Http;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service started while its PostgreSQL is down (a pod rescheduled while the database fails over, or
 * e2e's crash campaign restarting a killed replica during the database's kill -9) waits for the database instead of
 * exiting, has no HTTP listener meanwhile (so no probe succeeds: not started, not ready), and is ready once the
 * database is back, in the same process: the
 * {@code quarkus.flyway.connect-retries} defaults of application.properties. Before them the process exited at its
 * first refused connection. Real PostgreSQL (devstack's, its own server here) and the devstack Kafka broker. Needs
 * {@code target/quarkus-app}, so it runs after {@code package} in the {@code process-tests} execution; alone:
 * <pre>
 * mvn -B -o -pl report-service verify -Dtest=DatabaseDownAtStartProcessTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("process")
class DatabaseDownAtStartProcessTest {

    private static final String DATABASE = "cxr_report";
    /** Flyway's line for each failed connection attempt it will retry. */
    private static final String RETRYING = "Retrying in";

    @TempDir
    Path tmp;

    @Test
    void startedWhileItsDatabaseIsDownItWaitsAndIsReadyOnceTheDatabaseIsBack() throws Exception {
        Devstack.createTopics(Topics.ALL, 3); // Kafka is up: readiness waits for the database alone
        Postgres postgres = new Postgres(tmp.resolve("pg"), 0).start();
        Path log = Path.of("target/process-logs/report-service-database-down.log");
        Files.deleteIfExists(log); // each start appends to it
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("package the service first").exists();
        try (ServiceProcess service = ServiceProcess.quarkusApp(
                "report-service",
                jar,
                List.of(
                        "-Xmx512m",
                        "-Dkafka.bootstrap.servers=" + Devstack.kafkaBootstrap(),
                        "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl(DATABASE),
                        "-Dcxr.report.data-dir=" + tmp.resolve("data")),
                Map.of(),
                log,
                FreePorts.next())) {
            postgres.createDatabase(DATABASE);
            postgres.stop();

            service.start();
            // Two refused attempts: it outlived the first retry (1 s), where it used to exit at the first refusal.
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> service.grep(RETRYING).size() >= 2 || !service.alive());
            assertThat(service.alive())
                    .as("running while its database is down; log:\n" + service.tail(40))
                    .isTrue();
            assertThat(Http.status(service.url("/q/health/started")))
                    .as("HTTP (and with it every probe) before the migration ran")
                    .isEqualTo(-1);
            long down = System.nanoTime();

            postgres.start();
            long up = System.nanoTime();
            service.awaitReady(Duration.ofMinutes(2)); // fails at once if the process exits meanwhile
            System.out.printf(
                    "report-service waited for PostgreSQL: %d refused connections logged, ready %d ms after the server"
                            + " started (%d ms to start it)%n",
                    service.grep(RETRYING).size(), (System.nanoTime() - up) / 1_000_000, (up - down) / 1_000_000);
            try (Connection c =
                            DriverManager.getConnection(postgres.jdbcUrl(DATABASE), Postgres.USER, Postgres.PASSWORD);
                    ResultSet rs = c.createStatement()
                            .executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
                rs.next();
                assertThat(rs.getLong(1)).as("migrations applied").isPositive();
            }
        } finally {
            postgres.stop();
        }
    }
}

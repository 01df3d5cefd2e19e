package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.Postgres;
import org.cxrplatform.e2e.harness.DicomFile;
import org.cxrplatform.e2e.harness.Platform;
import org.cxrplatform.e2e.harness.PlatformExtension;
import org.cxrplatform.e2e.harness.RawStoreScu;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS to Kafka and PostgreSQL, proven both ways. Positive: the platform's services reach the broker
 * only on its TLS listener and PostgreSQL only over TLS with {@code sslmode=verify-full} (every other
 * test of the suite runs over them: a client not using TLS could not talk to either); here
 * PostgreSQL's own {@code pg_stat_ssl} says so for report-service's connections. Negative: an extra instance of a service started with
 * {@code kafka.security.protocol=SSL} against the broker's plain-text listener (or
 * {@code sslmode=require} against a PostgreSQL without TLS) must fail its TLS handshake; a service
 * that ignored the property would just work over plain text, and the test fails.
 */
@Order(5)
@ExtendWith(PlatformExtension.class)
class TransportSecurityTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    /** What a Kafka client configured for TLS logs when the broker speaks plain text. */
    private static final List<String> TLS_FAILURE = List.of(
            "terminated during authentication",
            "SSL handshake failed",
            "SslAuthenticationException",
            "SSLHandshakeException");

    @Test
    void reportServiceConnectsToPostgresOnlyOverVerifiedTls(Platform p) throws Exception {
        Properties verifyFull = new Properties();
        verifyFull.setProperty("user", Postgres.USER);
        verifyFull.setProperty("password", Postgres.PASSWORD);
        verifyFull.setProperty("sslmode", "verify-full");
        verifyFull.setProperty("sslrootcert", p.postgresCertificate().toString());
        try (Connection c = DriverManager.getConnection(p.postgres().jdbcUrl(p.database()), verifyFull);
                PreparedStatement q = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE s.ssl)"
                        + " FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid"
                        + " WHERE a.datname = ? AND a.pid <> pg_backend_pid()")) {
            q.setString(1, p.database());
            ResultSet rs = q.executeQuery();
            rs.next();
            assertThat(rs.getLong(1)).as("report-service's pooled connections").isPositive();
            assertThat(rs.getLong(2)).as("of them over TLS").isEqualTo(rs.getLong(1));
        }
        Properties plain = new Properties();
        plain.setProperty("user", Postgres.USER);
        plain.setProperty("password", Postgres.PASSWORD);
        plain.setProperty("sslmode", "disable");
        assertThatThrownBy(() -> DriverManager.getConnection(p.postgres().jdbcUrl(p.database()), plain)
                        .close())
                .as("the server accepts no connection without TLS")
                .hasMessageContaining("no encryption");
    }

    @Test
    void reportServiceHonoursKafkaTlsAndPostgresSslSettings(Platform p) {
        ServiceProcess kafkaTls = p.extraInstance(Platform.REPORT, "kafka-ssl", sslAgainstPlainText(p));
        Postgres withoutTls = Devstack.postgres();
        withoutTls.createDatabase("cxr_report_plain");
        ServiceProcess pgTls = p.extraInstance(
                Platform.REPORT,
                "pg-ssl",
                Map.of(
                        "quarkus.datasource.jdbc.url",
                        withoutTls.jdbcUrl("cxr_report_plain"),
                        "quarkus.datasource.jdbc.additional-jdbc-properties.sslmode",
                        "require"));
        try {
            kafkaTls.start();
            pgTls.start();
            assertThat(awaitLog(kafkaTls, TLS_FAILURE))
                    .as("report-service with kafka.security.protocol=SSL against a PLAINTEXT broker; log "
                            + kafkaTls.log())
                    .isTrue();
            assertThat(awaitLog(pgTls, List.of("does not support SSL")))
                    .as("report-service with sslmode=require against a " + "PostgreSQL without TLS; log " + pgTls.log())
                    .isTrue();
        } finally {
            kafkaTls.kill9();
            pgTls.kill9();
        }
    }

    @Test
    void ingestServiceHonoursKafkaTls(Platform p) {
        Map<String, String> probe = new HashMap<>(sslAgainstPlainText(p));
        // The answer waits for Kafka, so it shows the broker was not reached (the default answers once spooled).
        probe.put("cxr.ingest.acknowledge", "KAFKA");
        ServiceProcess tls = p.extraInstance(Platform.INGEST, "kafka-ssl", probe);
        try {
            tls.start();
            tls.awaitReady(WAIT);
            int dicom = Integer.parseInt(tls.env().get("CXR_INGEST_DICOM_PORT"));
            StudyFactory.Study s =
                    new StudyFactory(p.work().resolve("tls"), "T").make(StudyFactory.Template.ROUTINE_PA);
            RawStoreScu.Outcome o = RawStoreScu.send(
                    "127.0.0.1", dicom, p.options().callingAe(), p.aeTitle(), DicomFile.read(s.file()), 60_000);
            assertThat(o.success())
                    .as("a C-STORE must fail when the broker cannot be reached over TLS: %s", o)
                    .isFalse();
        } finally {
            tls.kill9();
        }
    }

    @Test
    void inferenceServiceHonoursKafkaTls(Platform p) {
        Map<String, String> probe = new HashMap<>(sslAgainstPlainText(p));
        probe.put("cxr.inference.group-id", "e2e-tls-probe");
        ServiceProcess tls = p.extraInstance(Platform.INFERENCE, "kafka-ssl", probe);
        try {
            tls.start();
            assertThat(awaitLog(tls, TLS_FAILURE))
                    .as("inference-service with kafka.security.protocol=SSL; log " + tls.log())
                    .isTrue();
            // once the model is loaded the worker checks the broker and stays not ready, saying why
            assertThat(awaitLog(tls, List.of("Kafka not usable")))
                    .as("inference-service reports the Kafka failure; log " + tls.log())
                    .isTrue();
            assertThat(tls.ready())
                    .as("inference-service must not be ready without Kafka; log " + tls.log())
                    .isFalse();
        } finally {
            tls.kill9();
        }
    }

    /** TLS settings (the platform's) pointed at the broker's plain-text listener. */
    private static Map<String, String> sslAgainstPlainText(Platform p) {
        return Map.of(
                "kafka.security.protocol",
                "SSL",
                "kafka.bootstrap.servers",
                p.kafka().bootstrapServers());
    }

    private static boolean awaitLog(ServiceProcess s, List<String> any) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String text : any) {
                if (!s.grep(text).isEmpty()) {
                    return true;
                }
            }
            if (!s.alive()) {
                return any.stream().anyMatch(t -> !s.grep(t).isEmpty());
            }
            ServiceProcess.sleep(1000);
        }
        return false;
    }
}

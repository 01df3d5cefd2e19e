package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * TLS to Kafka and PostgreSQL is configuration, proven by behaviour: an extra instance of a service
 * started with {@code kafka.security.protocol=SSL} (or {@code sslmode=require}) against this
 * platform's plain-text broker (and non-TLS PostgreSQL) must fail its TLS handshake. A service that
 * ignores the property would just work over plain text, and the test fails.
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
    void reportServiceHonoursKafkaTlsAndPostgresSslSettings(Platform p) {
        ServiceProcess kafkaTls =
                p.extraInstance(Platform.REPORT, "kafka-ssl", Map.of("kafka.security.protocol", "SSL"));
        ServiceProcess pgTls = p.extraInstance(
                Platform.REPORT,
                "pg-ssl",
                Map.of("quarkus.datasource.jdbc.additional-jdbc-properties.sslmode", "require"));
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
        ServiceProcess tls = p.extraInstance(Platform.INGEST, "kafka-ssl", Map.of("kafka.security.protocol", "SSL"));
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
        ServiceProcess tls = p.extraInstance(
                Platform.INFERENCE,
                "kafka-ssl",
                Map.of("kafka.security.protocol", "SSL", "cxr.inference.group-id", "e2e-tls-probe"));
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

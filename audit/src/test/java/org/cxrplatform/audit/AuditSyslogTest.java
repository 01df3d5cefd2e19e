package org.cxrplatform.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.cxrplatform.testsupport.Rsyslog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit messages sent to a real rsyslog over TCP and TLS, and what an unreachable collector does. */
class AuditSyslogTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static Rsyslog collector;

    @BeforeAll
    static void startCollector() {
        collector = Rsyslog.in(dir.resolve("rsyslog")).start();
    }

    @AfterAll
    static void stopCollector() {
        collector.close();
    }

    static AuditConfig config(AuditConfig.Protocol protocol, int port, Path trust, int capacity) {
        return new AuditConfig(
                "cxr-test",
                Optional.of("127.0.0.1"),
                port,
                protocol,
                Optional.ofNullable(trust),
                capacity,
                2_000,
                500,
                "test-host",
                "cxr-test@test-host",
                Optional.of("HOSPITAL"));
    }

    static AuditEvent sign(String reportId) {
        return AuditEvent.of(EventId.PATIENT_RECORD, Action.UPDATE)
                .type(AuditEvent.SIGN)
                .participant(ActiveParticipant.requestor("dr.grey", "10.1.2.3"))
                .object(ParticipantObject.report(reportId))
                .object(ParticipantObject.study("1.2.840.1." + reportId.length()))
                .object(ParticipantObject.patient("PID-7", "Doe^Jane"));
    }

    @Test
    void tcpMessageArrivesAsRfc5424WithTheDicomAuditXml() {
        try (AuditSender sender = new AuditSender(config(AuditConfig.Protocol.TCP, collector.tcpPort(), null, 10))) {
            assertThat(sender.send(sign("tcp-report"))).isTrue();
            Rsyslog.Message m = collector.await(r -> r.text().contains("tcp-report"), WAIT);
            assertThat(m.input()).isEqualTo("tcp");
            assertThat(m.pri()).isEqualTo(10 * 8 + 5);
            assertThat(m.appName()).isEqualTo("cxr-test");
            assertThat(m.hostname()).isEqualTo("test-host");
            assertThat(m.msgId()).isEqualTo("DICOM+RFC3881");
            assertThat(m.xpath("/AuditMessage/EventIdentification/@EventActionCode"))
                    .isEqualTo("U");
            assertThat(m.xpath("/AuditMessage/EventIdentification/@EventOutcomeIndicator"))
                    .isEqualTo("0");
            assertThat(m.xpath("/AuditMessage/EventIdentification/EventID/@csd-code"))
                    .isEqualTo("110110");
            assertThat(m.xpath("/AuditMessage/EventIdentification/EventID/@codeSystemName"))
                    .isEqualTo("DCM");
            assertThat(m.xpath("/AuditMessage/EventIdentification/EventTypeCode/@csd-code"))
                    .isEqualTo("SIGN");
            assertThat(m.xpath("/AuditMessage/ActiveParticipant/@UserID")).isEqualTo("dr.grey");
            assertThat(m.xpath("/AuditMessage/ActiveParticipant/@UserIsRequestor"))
                    .isEqualTo("true");
            assertThat(m.xpath("/AuditMessage/ActiveParticipant/@NetworkAccessPointID"))
                    .isEqualTo("10.1.2.3");
            assertThat(m.xpath("/AuditMessage/ActiveParticipant/@NetworkAccessPointTypeCode"))
                    .isEqualTo("2");
            assertThat(m.xpath("/AuditMessage/AuditSourceIdentification/@AuditSourceID"))
                    .isEqualTo("cxr-test@test-host");
            assertThat(m.xpath("/AuditMessage/AuditSourceIdentification/@AuditEnterpriseSiteID"))
                    .isEqualTo("HOSPITAL");
            assertThat(m.xpath("/AuditMessage/ParticipantObjectIdentification"
                            + "[ParticipantObjectIDTypeCode/@csd-code='110180']/@ParticipantObjectID"))
                    .isEqualTo("1.2.840.1.10");
            assertThat(
                            m.xpath(
                                    "/AuditMessage/ParticipantObjectIdentification"
                                            + "[@ParticipantObjectTypeCode='1'][@ParticipantObjectTypeCodeRole='1']/ParticipantObjectName"))
                    .isEqualTo("Doe^Jane");
            assertThat(m.xpath("count(/AuditMessage/ParticipantObjectIdentification)"))
                    .isEqualTo("3");
        }
    }

    @Test
    void tlsMessageArrivesWhenTheCollectorsCertificateIsTrusted() {
        try (AuditSender sender =
                new AuditSender(config(AuditConfig.Protocol.TLS, collector.tlsPort(), collector.caCert(), 10))) {
            sender.send(AuditEvent.of(EventId.QUERY, Action.EXECUTE)
                    .participant(ActiveParticipant.requestor("viewer", "127.0.0.1"))
                    .object(ParticipantObject.query("GET /api/reports", "status=DRAFT&limit=5")));
            Rsyslog.Message m = collector.await(r -> r.text().contains("GET /api/reports"), WAIT);
            assertThat(m.input()).isEqualTo("tls");
            assertThat(m.xpath("/AuditMessage/EventIdentification/EventID/@csd-code"))
                    .isEqualTo("110112");
            assertThat(m.xpath("/AuditMessage/ParticipantObjectIdentification/ParticipantObjectQuery"))
                    .isEqualTo("c3RhdHVzPURSQUZUJmxpbWl0PTU="); // base64 of the criteria
        }
    }

    @Test
    void untrustedCollectorCertificateGetsNoMessageAndCountsFailures() {
        // The JVM's trust store does not know the test-made certificate.
        try (AuditSender sender = new AuditSender(config(AuditConfig.Protocol.TLS, collector.tlsPort(), null, 10))) {
            sender.send(sign("untrusted-report"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (failures(sender) < 2 && System.nanoTime() < deadline) {
                sleep(100);
            }
            assertThat(failures(sender)).isGreaterThanOrEqualTo(2);
            assertThat(sender.sent()).isZero();
            assertThat(collector.received()).noneMatch(r -> r.text().contains("untrusted-report"));
        }
    }

    @Test
    void collectorOutageNeverBlocksTheCallerDropsBeyondTheQueueAndDeliversTheRestAfterwards() {
        collector.stop(Duration.ofSeconds(10));
        try (AuditSender sender = new AuditSender(config(AuditConfig.Protocol.TCP, collector.tcpPort(), null, 2))) {
            // The worker holds one message in its retry loop, the queue two more: the rest are dropped.
            int accepted = 0;
            long start = System.nanoTime();
            for (int i = 0; i < 6; i++) {
                if (sender.send(sign("outage-" + i))) {
                    accepted++;
                }
                while (i == 0 && sender.waiting() > 0) {
                    sleep(10); // the worker takes the first one into its retry loop
                }
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(accepted).isEqualTo(3);
            assertThat(sender.dropped()).isEqualTo(3);
            collector.startAndWait(WAIT);
            collector.await(r -> r.text().contains("outage-2"), WAIT);
            assertThat(collector.received().stream().filter(r -> r.text().contains("outage-")))
                    .extracting(r -> r.xpath("/AuditMessage/ParticipantObjectIdentification[1]/@ParticipantObjectID"))
                    .containsExactly("outage-0", "outage-1", "outage-2");
            assertThat(sender.sent()).isEqualTo(3);
        }
    }

    /** Through the metric an operator sees. */
    private static long failures(AuditSender sender) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        sender.bindTo(registry);
        return (long)
                registry.get("cxr.audit.syslog.failures").functionCounter().count();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

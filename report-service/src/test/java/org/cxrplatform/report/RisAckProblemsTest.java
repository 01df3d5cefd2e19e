package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxRepository;
import org.cxrplatform.report.store.ReportStore;
import org.cxrplatform.testsupport.Mllp;
import org.cxrplatform.testsupport.RisPeer;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A RIS whose answer does not acknowledge the message: an ACK naming another control id or none,
 * half an ACK, something that is not HL7, or a hang-up. Each is one clear log line, not a delivery, and
 * the same message (same MSH-10) is sent again until a proper AA comes back; it is delivered once.
 */
@QuarkusTest
class RisAckProblemsTest {

    @Inject
    ReportStore reports;

    @Inject
    OutboxRepository outbox;

    final List<LogRecord> log = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        HookServer.shared();
        ReportServiceResources.ris().start();
        StoreAndRisTest.awaitOutboxIdle();
        ReportServiceResources.ris().clear();
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("").removeHandler(capture);
        ReportServiceResources.ris().start();
    }

    @Test
    void anAckNamingAnotherMessageOrNoneIsNotADeliveryAndTheMessageIsSentAgain() {
        RisPeer ris = ReportServiceResources.ris();
        // HAPI's own client logged the empty one as an ERROR NullPointerException, the other at INFO, then timed out
        ris.script(RisPeer.Reply.WRONG_CONTROL_ID, RisPeer.Reply.EMPTY_CONTROL_ID);
        ReportEvent event =
                Fixtures.report("ACC-WID" + UUID.randomUUID().toString().substring(0, 6));
        Fixtures.publish(event);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> ris.accepted().stream().anyMatch(r -> r.accession().equals(event.accessionNumber())));
        String controlId = ris.accepted().stream()
                .filter(r -> r.accession().equals(event.accessionNumber()))
                .findFirst()
                .orElseThrow()
                .controlId();
        assertThat(ris.arrivals())
                .filteredOn(controlId::equals)
                .as("two answers for no one, then AA, same MSH-10")
                .hasSize(3);
        assertThat(ris.accepted())
                .filteredOn(r -> r.controlId().equals(controlId))
                .hasSize(1);
        // the RIS records the message before its AA reaches the sender
        await().atMost(Duration.ofSeconds(10))
                .until(() -> risEntry(event).status().equals(OutboxEntry.DELIVERED));
        OutboxEntry entry = risEntry(event);
        assertThat(entry.attempts()).isEqualTo(3);
        List<String> warnings = warnings(entry);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0))
                .contains("RIS acknowledged another message: sent MSH-10 " + controlId + ", ACK MSA-2 NOT-" + controlId
                        + " (MSA-1 AA); not taken as delivered");
        assertThat(warnings.get(1)).contains("sent MSH-10 " + controlId + ", ACK MSA-2 empty (MSA-1 AA)");
        assertNoStackTraces();
    }

    @Test
    void aRisThatHangsUpSendsHalfAnAckOrAnswersGarbageIsRetriedUntilItAcks() throws Exception {
        RisPeer peer = ReportServiceResources.ris();
        peer.misbehave(RisPeer.HANG_UP, RisPeer.HALF_ACK, Mllp.frame("HTTP/1.1 400 Bad Request\r\n"));
        ReportEvent event =
                Fixtures.report("ACC-RAW" + UUID.randomUUID().toString().substring(0, 6));
        Fixtures.publish(event);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<OutboxEntry> e = reports.find(event.reportId()).isEmpty() ? List.of() : List.of(risEntry(event));
            return !e.isEmpty() && e.get(0).status().equals(OutboxEntry.DELIVERED);
        });
        OutboxEntry entry = risEntry(event);
        assertThat(peer.arrivals())
                .as("every attempt carried the same MSH-10")
                .containsOnly(entry.messageId())
                .hasSize(4);
        assertThat(entry.attempts()).isEqualTo(4);
        List<String> warnings = warnings(entry);
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(0)).contains("closed the connection without answering");
        assertThat(warnings.get(1)).contains("closed the connection in the middle of its answer");
        assertThat(warnings.get(2))
                .contains("not an HL7 ACK")
                .contains("expected the ACK of " + entry.messageId())
                .contains("'HTTP/1.1 400 Bad Request");
        assertNoStackTraces();
    }

    OutboxEntry risEntry(ReportEvent event) {
        long pk = reports.find(event.reportId()).orElseThrow().pk();
        String risA = "RIS:127.0.0.1:" + Integer.getInteger(ReportServiceResources.RIS_PORT);
        return outbox.list(null, OutboxEntry.HL7, risA, pk, 10).get(0);
    }

    /** The worker's lines about this entry's failed attempts, in order. */
    List<String> warnings(OutboxEntry entry) {
        return log.stream()
                .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> ((ExtLogRecord) r).getFormattedMessage())
                .filter(m -> m.contains(" #" + entry.id() + " "))
                .toList();
    }

    void assertNoStackTraces() {
        assertThat(log)
                .filteredOn(r -> r.getLevel().intValue() >= Level.WARNING.intValue() && r.getThrown() != null)
                .extracting(r -> r.getLoggerName() + ": " + ((ExtLogRecord) r).getFormattedMessage())
                .isEmpty();
    }
}

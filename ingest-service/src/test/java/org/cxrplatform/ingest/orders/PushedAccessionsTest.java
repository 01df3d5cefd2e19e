package org.cxrplatform.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.support.HL7Orders;
import org.cxrplatform.ingest.support.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushed accession numbers survive restarts and crashes (torn last line) and expire after the retention. */
class PushedAccessionsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void aRestartedStoreStillKnowsItsAccessionNumbers() {
        Path file = tmp.resolve("pushed.log");
        try (PushedAccessions store = new PushedAccessions(file, Duration.ofDays(30))) {
            store.add("ACC1");
            store.add("ACC 2/\t%"); // any DICOM SH value survives the line format
            store.add("ACC1");
        }
        try (PushedAccessions store = new PushedAccessions(file, Duration.ofDays(30))) {
            assertThat(store.contains("ACC1")).isTrue();
            assertThat(store.contains("ACC 2/\t%")).isTrue();
            assertThat(store.contains("ACC3")).isFalse();
            assertThat(store.size()).isEqualTo(2);
        }
    }

    @Test
    void aTornLastLineFromACrashIsIgnoredAndNeverMergesWithTheNextAppend() throws Exception {
        Path file = tmp.resolve("pushed.log");
        try (PushedAccessions store = new PushedAccessions(file, Duration.ofDays(30))) {
            store.add("ACC1");
            store.add("ACC2");
        }
        // A crash in the middle of appending ACC9: only part of its line reached the disk.
        Files.writeString(file, System.currentTimeMillis() + "\tAC", StandardOpenOption.APPEND);
        try (PushedAccessions store = new PushedAccessions(file, Duration.ofDays(30))) {
            assertThat(store.contains("ACC1")).isTrue();
            assertThat(store.contains("ACC2")).isTrue();
            assertThat(store.contains("AC")).isFalse();
            store.add("ACC3");
        }
        try (PushedAccessions store = new PushedAccessions(file, Duration.ofDays(30))) {
            assertThat(store.size()).isEqualTo(3);
            assertThat(store.contains("ACC3")).isTrue();
        }
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).endsWith("\n");
        assertThat(Files.readAllLines(file)).hasSize(3).allMatch(l -> l.matches("\\d+\tACC[123]"));
    }

    @Test
    void entriesExpireAfterTheRetentionAndTheFileStaysBounded() throws Exception {
        Path file = tmp.resolve("pushed.log");
        Duration retention = Duration.ofHours(1);
        try (PushedAccessions store = new PushedAccessions(file, retention, Clock.fixed(T0, ZoneOffset.UTC))) {
            store.add("OLD");
        }
        Clock later = Clock.fixed(T0.plus(retention).plusSeconds(1), ZoneOffset.UTC);
        try (PushedAccessions store = new PushedAccessions(file, retention, later)) {
            assertThat(store.contains("OLD")).isFalse();
        }
        assertThat(Files.readAllLines(file))
                .as("expired entries are dropped from the file")
                .isEmpty();

        // 1500 accessions, then 1500 more a retention later: the first ones are compacted away.
        try (PushedAccessions store = new PushedAccessions(file, retention, Clock.fixed(T0, ZoneOffset.UTC))) {
            for (int i = 0; i < 1500; i++) {
                store.add("A" + i);
            }
        }
        try (PushedAccessions store = new PushedAccessions(file, retention, later)) {
            long start = System.nanoTime();
            for (int i = 0; i < 1500; i++) {
                store.add("B" + i);
            }
            System.out.printf(
                    "BENCH pushed-accessions: 1500 new accession numbers (append + fsync each, one compaction)"
                            + " in %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(store.size()).isEqualTo(1500);
            assertThat(store.contains("A1")).isFalse();
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1500).allMatch(l -> l.contains("\tB"));
    }

    @Test
    void aRestartedOrderServiceDoesNotRetrieveAStudyThatWasPushedBeforeTheRestart() throws Exception {
        int mllp = FreePorts.next();
        IngestConfig.Orders settings = TestConfig.of(Map.of("cxr.ingest.orders.mllp-port", String.valueOf(mllp)))
                .orders();
        Path dir = tmp.resolve("orders");
        String acc = "ACC-R1";
        // No PACS: a completed order that was not pushed would become FAILED ("no PACS configured").
        try (OrderService orders = new OrderService(
                        settings,
                        new OrderStore(dir),
                        new PushedAccessions(dir.resolve("pushed.log"), Duration.ofDays(30)),
                        null)
                .start()) {
            send(mllp, HL7Orders.orm("N1", "NW", "", acc, "", "O", "36643-5^XR Chest^LN"));
            // The pipeline reports an instance of the study arriving by C-STORE (not a C-MOVE of ours).
            assertThat(orders.laneOf(acc, false)).isNotNull();
        }
        try (OrderService orders = new OrderService(
                        settings,
                        new OrderStore(dir),
                        new PushedAccessions(dir.resolve("pushed.log"), Duration.ofDays(30)),
                        null)
                .start()) {
            send(mllp, HL7Orders.orm("C1", "SC", "CM", acc, "", "O", "36643-5^XR Chest^LN"));
            assertThat(orders.order(acc).orElseThrow().state()).isEqualTo(Order.State.PUSHED);
        }
    }

    /** One client context per message: closing a HAPI connection shuts its context's executor down. */
    private static void send(int port, String er7) throws Exception {
        try (HapiContext client = new DefaultHapiContext()) {
            client.setValidationContext(ValidationContextFactory.noValidation());
            Connection c = client.newClient("127.0.0.1", port, false);
            String ack = c.getInitiator()
                    .sendAndReceive(client.getPipeParser().parse(er7))
                    .encode();
            assertThat(ack).as(ack).contains("MSA|AA");
        }
    }
}

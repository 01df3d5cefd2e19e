package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.report.outbox.OutboxWorker;
import org.cxrplatform.report.store.ReportIngest;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.Test;

/**
 * With the outbox polled only once an hour, a STAT report still reaches the RIS at once: its
 * committed outbox entry wakes the worker. A routine report stored afterwards is the control: it
 * waits for the next poll, which shows that nothing else was draining. Real PostgreSQL, the real
 * worker and sender, a real MLLP listener.
 */
@QuarkusTest
@TestProfile(UrgentEntryWakesTheOutboxTest.HourlyPoll.class)
class UrgentEntryWakesTheOutboxTest {

    public static class HourlyPoll implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cxr.report.outbox.poll", "1h");
        }
    }

    @Inject
    ReportIngest ingest;

    @Inject
    OutboxWorker worker;

    @Test
    void aStatReportIsSentWithoutWaitingForThePollAndARoutineOneWaits() throws InterruptedException {
        HookServer.shared();
        RisPeer ris = ReportServiceResources.ris();
        ris.start();
        String tag = "WK" + UUID.randomUUID().toString().substring(0, 6);
        // a first store initialises the SR and FHIR builders; the start-up poll (1 s after start) sends it
        ingest.store(Fixtures.report(
                "W" + tag, Fixtures.patient("W" + tag), Lane.ROUTINE, "No acute findings.", Fixtures.MODEL));
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.lastPollFinished() != null);
        awaitQuiet(ris);

        ReportEvent stat = Fixtures.report(
                tag + "-STAT", Fixtures.patient(tag + "-PS"), Lane.STAT, "Large right pneumothorax.", Fixtures.MODEL);
        ingest.store(stat);
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> accessions(ris).contains(stat.accessionNumber()));
        System.out.printf(
                "BENCHMARK report-service idle outbox: STAT ORU at the RIS %d ms after its commit (poll interval 1 h)%n",
                (System.nanoTime() - t0) / 1_000_000);

        awaitQuiet(ris);
        ReportEvent routine = Fixtures.report(
                tag + "-R", Fixtures.patient(tag + "-PR"), Lane.ROUTINE, "No acute findings.", Fixtures.MODEL);
        ingest.store(routine);
        Thread.sleep(3000);
        assertThat(accessions(ris))
                .as("a routine entry waits for the next (hourly) poll")
                .doesNotContain(routine.accessionNumber());
    }

    private static List<String> accessions(RisPeer ris) {
        return ris.accepted().stream().map(RisPeer.Oru::accession).toList();
    }

    private static void awaitQuiet(RisPeer ris) {
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    int now = ris.arrivals().size();
                    boolean quiet = now == last[0];
                    last[0] = now;
                    return quiet;
                });
    }
}

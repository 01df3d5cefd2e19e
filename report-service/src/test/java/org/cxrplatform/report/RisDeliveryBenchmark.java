package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of the store and of RIS delivery on this machine: the rates are printed, not asserted
 * (they depend on the machine); asserted is that every report was stored and reached the RIS once,
 * under one MSH-10.
 * Run on demand: {@code mvn -o -pl report-service verify -Dtest.excludedGroups=none -Dgroups=benchmark -Dtest=RisDeliveryBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@QuarkusTest
@Tag("benchmark")
class RisDeliveryBenchmark {

    @Test
    void storeAndDeliver() {
        HookServer.shared();
        RisPeer ris = ReportServiceResources.ris();
        int n = Integer.getInteger("bench.reports", 500);
        String tag = "B" + UUID.randomUUID().toString().substring(0, 6);
        List<ReportEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(Fixtures.report(
                    tag + "-" + i,
                    Fixtures.patient(tag + (i % 50)),
                    i % 5 == 0 ? Lane.STAT : Lane.ROUTINE,
                    "Small left pleural effusion.\nNo pneumothorax.",
                    Fixtures.MODEL));
        }
        long t0 = System.nanoTime();
        for (ReportEvent e : events) {
            Fixtures.producer()
                    .send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            "cxr.reports", e.studyInstanceUid(), EventJson.write(e)));
        }
        Fixtures.producer().flush();
        long published = System.nanoTime();
        String last = events.get(n - 1).reportId();
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> given().auth()
                                .oauth2(Fixtures.viewer())
                                .get("/api/reports?limit=1000&status=DRAFT")
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("findAll { it.accessionNumber != null && it.accessionNumber.startsWith('" + tag
                                        + "-') }")
                                .size()
                        == n);
        long stored = System.nanoTime();
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> ris.accepted().stream()
                                .filter(r -> r.accession().startsWith(tag + "-"))
                                .count()
                        == n);
        long delivered = System.nanoTime();
        assertThat(ris.duplicateAccessions().keySet())
                .as("accessions of this run filed under two MSH-10s")
                .noneMatch(a -> a.startsWith(tag + "-"));
        System.out.printf(
                "BENCHMARK report-service: %d reports (%d patients): publish %.0f ms, all stored after %.0f ms (%.0f reports/s),"
                        + " all ORU^R01 AA'd by the MLLP listener after %.0f ms (%.0f messages/s end to end) [last %s]%n",
                n,
                50,
                (published - t0) / 1e6,
                (stored - t0) / 1e6,
                n / ((stored - t0) / 1e9),
                (delivered - t0) / 1e6,
                n / ((delivered - t0) / 1e9),
                last);
    }
}

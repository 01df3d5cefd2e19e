package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.report.store.ReportIngest;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.TestTls;
import org.junit.jupiter.api.Test;

/**
 * ORU^R01 over MLLP/TLS to real TLS MLLP listeners (test-support's RisPeer), with key material made
 * by keytool for this run. Two TLS endpoints are added to the test run's plain ones, both with the
 * TLS configuration {@code ris} (client certificate, trusting the RIS certificate and one issued for
 * another host): a RIS that requires the client certificate gets the ORU (mutual TLS); on the other
 * port an impostor's certificate and then a trusted certificate issued for another host are refused
 * with a clear error, nothing reaches them and the entry stays in the outbox, until the real RIS
 * listens there and gets the ORU (one MSH-10). Own application start (test profile).
 */
@QuarkusTest
@TestProfile(RisTlsTest.TlsEndpoints.class)
class RisTlsTest {

    /** Key material and ports, made once per test JVM before the application starts. */
    static final class Pki {
        static final Path DIR = tempDir();
        static final TestTls.Identity RIS = TestTls.make(DIR, "ris", TestTls.LOOPBACK);
        static final TestTls.Identity CLIENT = TestTls.make(DIR, "cxr-report", TestTls.LOOPBACK);
        static final TestTls.Identity IMPOSTOR = TestTls.make(DIR, "impostor", TestTls.LOOPBACK);
        static final TestTls.Identity ELSEWHERE = TestTls.make(DIR, "elsewhere", "dns:ris.elsewhere.example");
        static final int MTLS_PORT = FreePorts.next();
        static final int CHECKED_PORT = FreePorts.next();

        private static Path tempDir() {
            try {
                return Files.createTempDirectory("cxr-ris-tls-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static class TlsEndpoints implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry(
                            "quarkus.tls.ris.key-store.p12.path",
                            Pki.CLIENT.keyStore().toString()),
                    Map.entry("quarkus.tls.ris.key-store.p12.password", TestTls.PASSWORD),
                    Map.entry(
                            "quarkus.tls.ris.trust-store.pem.certs", Pki.RIS.certPem() + "," + Pki.ELSEWHERE.certPem()),
                    Map.entry("cxr.report.ris.endpoints[2].host", "127.0.0.1"),
                    Map.entry("cxr.report.ris.endpoints[2].port", Integer.toString(Pki.MTLS_PORT)),
                    Map.entry("cxr.report.ris.endpoints[2].name", "ris-mtls"),
                    Map.entry("cxr.report.ris.endpoints[2].tls-configuration-name", "ris"),
                    Map.entry("cxr.report.ris.endpoints[3].host", "127.0.0.1"),
                    Map.entry("cxr.report.ris.endpoints[3].port", Integer.toString(Pki.CHECKED_PORT)),
                    Map.entry("cxr.report.ris.endpoints[3].name", "ris-checked"),
                    Map.entry("cxr.report.ris.endpoints[3].tls-configuration-name", "ris"));
        }
    }

    @Inject
    ReportIngest ingest;

    @Test
    void oruGoesOverMutualTlsAndAWrongServerIsRefusedUntilTheRealRisListens() throws Exception {
        HookServer.shared();
        ReportServiceResources.ris();
        String accession = "TLS-" + UUID.randomUUID().toString().substring(0, 8);
        ReportEvent report = Fixtures.report(
                accession, Fixtures.patient("P" + accession), Lane.ROUTINE, "No acute findings.", Fixtures.MODEL);
        try (RisPeer mtls = RisPeer.tls(Pki.MTLS_PORT, Pki.RIS, Pki.CLIENT).start();
                RisPeer impostor =
                        RisPeer.tls(Pki.CHECKED_PORT, Pki.IMPOSTOR, null).start()) {
            ingest.store(report);

            // a loaded machine may miss the run's 1 s ACK time-out: the resend has the same MSH-10
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            "DELIVERED".equals(entry("RIS:ris-mtls", accession).get("status")));
            assertThat(mtls.forAccession(accession))
                    .isNotEmpty()
                    .allSatisfy(oru -> assertThat(oru.patientId()).isEqualTo("P" + accession))
                    .extracting(RisPeer.Oru::controlId)
                    .as("one message (MSH-10)")
                    .containsOnly(mtls.forAccession(accession).get(0).controlId());

            awaitError(accession, "TLS handshake with RIS 127.0.0.1:" + Pki.CHECKED_PORT + " (TLS) failed");
            assertThat(String.valueOf(entry("RIS:ris-checked", accession).get("lastError")))
                    .as("an untrusted certificate")
                    .contains("PKIX path building failed");
            assertThat(impostor.arrivals())
                    .as("nothing reaches a server we do not trust")
                    .isEmpty();
        }

        try (RisPeer elsewhere =
                RisPeer.tls(Pki.CHECKED_PORT, Pki.ELSEWHERE, null).start()) {
            awaitError(accession, "No subject alternative names matching IP address 127.0.0.1");
            assertThat(elsewhere.arrivals())
                    .as("a trusted certificate issued for another host is refused")
                    .isEmpty();
        }

        try (RisPeer real = RisPeer.tls(Pki.CHECKED_PORT, Pki.RIS, null).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                retryIfParked(accession);
                return "DELIVERED".equals(entry("RIS:ris-checked", accession).get("status"));
            });
            assertThat(real.forAccession(accession))
                    .as("the kept ORU, one message (MSH-10)")
                    .isNotEmpty()
                    .extracting(RisPeer.Oru::controlId)
                    .containsOnly(real.forAccession(accession).get(0).controlId());
        }
    }

    /** The outbox entry (GET /api/outbox) of the ORU for {@code accession} to {@code destination}. */
    private static Map<String, Object> entry(String destination, String accession) {
        Map<String, Object> found = given().auth()
                .oauth2(Fixtures.admin())
                .queryParam("kind", "HL7")
                .queryParam("destination", destination)
                .get("/api/outbox")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("find { it.payloadText.contains('" + accession + "') }");
        assertThat(found)
                .as("outbox entry to %s for %s", destination, accession)
                .isNotNull();
        return found;
    }

    private static void awaitError(String accession, String text) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            retryIfParked(accession);
            Map<String, Object> e = entry("RIS:ris-checked", accession);
            assertThat(e.get("status")).isNotEqualTo("DELIVERED");
            assertThat(String.valueOf(e.get("lastError"))).contains(text);
        });
    }

    /** A parked entry (attempts used up while refused) goes back in line, as an operator would put it. */
    private static void retryIfParked(String accession) {
        Map<String, Object> e = entry("RIS:ris-checked", accession);
        if ("PARKED".equals(e.get("status"))) {
            given().auth()
                    .oauth2(Fixtures.admin())
                    .post("/api/outbox/" + e.get("id") + "/resend")
                    .then()
                    .statusCode(200);
        }
    }
}

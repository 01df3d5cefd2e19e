package org.cxrplatform.ingest.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.cxrplatform.ingest.support.HL7Orders;
import org.cxrplatform.ingest.support.MllpTlsPeers;
import org.junit.jupiter.api.Test;

/** The packaged wiring of cxr.ingest.orders.tls.*: the application's order listener speaks MLLP over TLS. */
@QuarkusTest
@TestProfile(OrdersTlsAppTest.Tls.class)
class OrdersTlsAppTest {

    private static MllpTlsPeers peers;

    /** Made once (Quarkus may ask a profile for its overrides more than once). */
    static synchronized MllpTlsPeers peers() {
        if (peers == null) {
            try {
                peers = MllpTlsPeers.make(Files.createTempDirectory("mllp-tls-app-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return peers;
    }

    /** Key material made by keytool before the application starts; mutual TLS on. */
    public static class Tls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            MllpTlsPeers peers = peers();
            return Map.of(
                    "cxr.ingest.orders.tls.enabled",
                    "true",
                    "cxr.ingest.orders.tls.key-store",
                    peers.serverKeyStore().toString(),
                    "cxr.ingest.orders.tls.key-store-password",
                    MllpTlsPeers.PASSWORD,
                    "cxr.ingest.orders.tls.trust-store",
                    peers.serverTrustStore().toString(),
                    "cxr.ingest.orders.tls.trust-store-password",
                    MllpTlsPeers.PASSWORD,
                    "cxr.ingest.orders.tls.require-client-cert",
                    "true");
        }
    }

    @Test
    void theOrderListenerAnswersAClientWithATrustedCertificateOverTls() throws Exception {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'hl7-orders' }.data.tls", equalTo(true));
        String ack = MllpTlsPeers.exchange(
                peers().clientContext(true),
                IngestAppResource.MLLP_PORT,
                HL7Orders.orm("APP1", "NW", "", "ACC-APP-TLS", "", "O", "36643-5^XR Chest^LN"));
        assertThat(ack).contains("MSA|AA|APP1");
    }
}

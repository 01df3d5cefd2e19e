package org.cxrplatform.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.ingest.support.HL7Orders;
import org.cxrplatform.ingest.support.MllpTlsPeers;
import org.cxrplatform.ingest.support.TestConfig;
import org.cxrplatform.testsupport.Mllp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLLP over TLS with real TLS clients (JDK SSLSocket writing MLLP frames) and key material made by
 * keytool for the test: TLS clients get their ACK, a plaintext client gets nothing and is
 * disconnected while the listener keeps serving, and with mutual TLS a client without a trusted
 * certificate is refused.
 */
class MllpTlsTest {

    @TempDir
    static Path keys;

    static MllpTlsPeers peers;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeKeys() {
        peers = MllpTlsPeers.make(keys);
    }

    @Test
    void tlsClientsAreServedAndAPlaintextClientIsDisconnectedWithoutStoppingTheListener() throws Exception {
        int port = FreePorts.next();
        Map<String, String> tls = Map.of(
                "cxr.ingest.orders.tls.key-store",
                peers.serverKeyStore().toString(),
                "cxr.ingest.orders.tls.key-store-password",
                MllpTlsPeers.PASSWORD);
        try (OrderService orders = service(port, tls)) {
            assertThat(orders.isRunning()).isTrue();
            SSLContext client = peers.clientContext(false);
            assertThat(MllpTlsPeers.exchange(client, port, order("T1", "ACC-TLS1")))
                    .contains("MSA|AA|T1");
            assertThat(orders.order("ACC-TLS1")).isPresent();

            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                plain.setSoTimeout(30_000);
                plain.getOutputStream().write(Mllp.frame(order("P1", "ACC-PLAIN")));
                plain.getOutputStream().flush();
                String answer;
                try {
                    answer = MllpTlsPeers.readFrame(plain.getInputStream());
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the TLS listener neither answered nor closed a plaintext connection", e);
                } catch (IOException e) {
                    answer = ""; // connection reset: also a refusal
                }
                assertThat(answer).as("no HL7 answer over plaintext").doesNotContain("MSA");
            }
            assertThat(orders.order("ACC-PLAIN"))
                    .as("a plaintext message is never processed")
                    .isEmpty();

            assertThat(orders.isRunning()).isTrue();
            long start = System.nanoTime();
            assertThat(MllpTlsPeers.exchange(client, port, order("T2", "ACC-TLS2")))
                    .contains("MSA|AA|T2");
            System.out.printf(
                    "BENCH mllp-tls: connect + TLS handshake + ORM^O01 + ACK in %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(orders.order("ACC-TLS2")).isPresent();
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutATrustedCertificate() throws Exception {
        int port = FreePorts.next();
        Map<String, String> tls = Map.of(
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
        try (OrderService orders = service(port, tls)) {
            assertThatThrownBy(() -> {
                        String answer =
                                MllpTlsPeers.exchange(peers.clientContext(false), port, order("A1", "ACC-ANON"));
                        // TLS 1.3 may finish the client's handshake first; then the refusal is a closed stream.
                        if (!answer.contains("MSA")) {
                            throw new IOException("closed without an answer: " + answer);
                        }
                    })
                    .isInstanceOf(IOException.class);
            assertThat(orders.order("ACC-ANON")).isEmpty();

            assertThat(MllpTlsPeers.exchange(peers.clientContext(true), port, order("M1", "ACC-MTLS")))
                    .contains("MSA|AA|M1");
            assertThat(orders.order("ACC-MTLS")).isPresent();
        }
    }

    @Test
    void anUnreadableKeyStoreFailsAtConstructionNamingTheFile() {
        Map<String, String> tls = Map.of(
                "cxr.ingest.orders.tls.key-store",
                peers.serverKeyStore().toString(),
                "cxr.ingest.orders.tls.key-store-password",
                "wrong-password");
        assertThatThrownBy(() -> service(FreePorts.next(), tls))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("server.p12");
    }

    /** @param tls the cxr.ingest.orders.tls.* keys besides enabled=true */
    private OrderService service(int port, Map<String, String> tls) throws InterruptedException {
        Map<String, String> config = new HashMap<>(tls);
        config.put("cxr.ingest.orders.mllp-port", String.valueOf(port));
        config.put("cxr.ingest.orders.tls.enabled", "true");
        return new OrderService(
                        TestConfig.of(config).orders(),
                        new OrderStore(tmp.resolve("orders")),
                        new PushedAccessions(tmp.resolve("orders/pushed.log"), Duration.ofDays(1)),
                        null)
                .start();
    }

    private static String order(String id, String accession) {
        return HL7Orders.orm(id, "NW", "", accession, "", "O", "36643-5^XR Chest^LN");
    }
}

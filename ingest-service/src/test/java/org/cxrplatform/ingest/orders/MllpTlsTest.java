package org.cxrplatform.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.ingest.support.Dcmtk;
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

    private static final String PASSWORD = "test-secret";

    @TempDir
    static Path keys;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeKeys() {
        for (String who : List.of("server", "client")) {
            keytool("-genkeypair", "-alias", who, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=" + who, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                    "-keystore", keys.resolve(who + ".p12").toString(), "-storepass", PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", who, "-keystore", keys.resolve(who + ".p12").toString(),
                    "-storepass", PASSWORD, "-file", keys.resolve(who + ".crt").toString());
            // The peer's trust store holds this certificate.
            keytool("-importcert", "-noprompt", "-alias", who, "-file", keys.resolve(who + ".crt").toString(),
                    "-storetype", "PKCS12", "-keystore", keys.resolve("trusts-" + who + ".p12").toString(),
                    "-storepass", PASSWORD);
        }
    }

    @Test
    void tlsClientsAreServedAndAPlaintextClientIsDisconnectedWithoutStoppingTheListener() throws Exception {
        int port = FreePorts.next();
        MllpTls tls = new MllpTls(keys.resolve("server.p12"), PASSWORD, null, null, false);
        try (OrderService orders = service(port, tls)) {
            assertThat(orders.isRunning()).isTrue();
            SSLContext client = clientContext(false);
            assertThat(exchangeTls(client, port, order("T1", "ACC-TLS1"))).contains("MSA|AA|T1");
            assertThat(orders.order("ACC-TLS1")).isPresent();

            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                plain.setSoTimeout(30_000);
                plain.getOutputStream().write(frame(order("P1", "ACC-PLAIN")));
                plain.getOutputStream().flush();
                String answer;
                try {
                    answer = readUntilFrameEndOrEof(plain.getInputStream());
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the TLS listener neither answered nor closed a plaintext connection", e);
                } catch (IOException e) {
                    answer = "";  // connection reset: also a refusal
                }
                assertThat(answer).as("no HL7 answer over plaintext").doesNotContain("MSA");
            }
            assertThat(orders.order("ACC-PLAIN")).as("a plaintext message is never processed").isEmpty();

            assertThat(orders.isRunning()).isTrue();
            long start = System.nanoTime();
            assertThat(exchangeTls(client, port, order("T2", "ACC-TLS2"))).contains("MSA|AA|T2");
            System.out.printf("BENCH mllp-tls: connect + TLS handshake + ORM^O01 + ACK in %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(orders.order("ACC-TLS2")).isPresent();
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutATrustedCertificate() throws Exception {
        int port = FreePorts.next();
        MllpTls tls = new MllpTls(keys.resolve("server.p12"), PASSWORD, keys.resolve("trusts-client.p12"), PASSWORD, true);
        try (OrderService orders = service(port, tls)) {
            assertThatThrownBy(() -> {
                String answer = exchangeTls(clientContext(false), port, order("A1", "ACC-ANON"));
                // TLS 1.3 may finish the client's handshake first; then the refusal is a closed stream.
                if (!answer.contains("MSA")) {
                    throw new IOException("closed without an answer: " + answer);
                }
            }).isInstanceOf(IOException.class);
            assertThat(orders.order("ACC-ANON")).isEmpty();

            assertThat(exchangeTls(clientContext(true), port, order("M1", "ACC-MTLS"))).contains("MSA|AA|M1");
            assertThat(orders.order("ACC-MTLS")).isPresent();
        }
    }

    @Test
    void anUnreadableKeyStoreFailsAtConstructionNamingTheFile() {
        MllpTls tls = new MllpTls(keys.resolve("server.p12"), "wrong-password", null, null, false);
        assertThatThrownBy(() -> service(FreePorts.next(), tls))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("server.p12");
    }

    private OrderService service(int port, MllpTls tls) throws InterruptedException {
        return new OrderService(OrderSettings.defaults(port).withTls(tls), new OrderStore(tmp.resolve("orders")),
                new PushedAccessions(tmp.resolve("orders/pushed.log"), Duration.ofDays(1)), null).start();
    }

    /** Trusts the server's certificate; presents the client certificate when asked to. */
    private static SSLContext clientContext(boolean withCertificate) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStore.getInstance(keys.resolve("trusts-server.p12").toFile(), PASSWORD.toCharArray()));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(KeyStore.getInstance(keys.resolve("client.p12").toFile(), PASSWORD.toCharArray()), PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(withCertificate ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** One MLLP exchange over a new TLS connection; the server's certificate is verified, host name included. */
    private static String exchangeTls(SSLContext ctx, int port, String er7) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            var params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            s.startHandshake();
            s.getOutputStream().write(frame(er7));
            s.getOutputStream().flush();
            return readUntilFrameEndOrEof(s.getInputStream());
        }
    }

    private static byte[] frame(String er7) {
        byte[] body = er7.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + 3];
        out[0] = 0x0B;
        System.arraycopy(body, 0, out, 1, body.length);
        out[body.length + 1] = 0x1C;
        out[body.length + 2] = 0x0D;
        return out;
    }

    private static String readUntilFrameEndOrEof(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != 0x1C; b = in.read()) {
            buf.write(b);
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    private static String order(String id, String accession) {
        return OrderRetrievalTest.orm(id, "NW", "", accession, "", "O", "36643-5^XR Chest^LN");
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Dcmtk.Result r = Dcmtk.run(cmd);
        assertThat(r.ok()).as(r.output()).isTrue();
    }
}

package org.cxrplatform.ingest.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.cxrplatform.testsupport.Dcmtk;

/**
 * Key material made by the JDK's keytool for MLLP-over-TLS tests (a server and a client key pair,
 * each trusted by the other's trust store), and a real TLS MLLP client (JDK SSLSocket).
 */
public final class MllpTlsPeers {

    public static final String PASSWORD = "test-secret";

    private final Path dir;

    private MllpTlsPeers(Path dir) {
        this.dir = dir;
    }

    /** Writes server.p12, client.p12, trusts-server.p12 and trusts-client.p12 into {@code dir}. */
    public static MllpTlsPeers make(Path dir) {
        for (String who : List.of("server", "client")) {
            keytool(
                    "-genkeypair",
                    "-alias",
                    who,
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=" + who,
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    dir.resolve(who + ".p12").toString(),
                    "-storepass",
                    PASSWORD);
            keytool(
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    who,
                    "-keystore",
                    dir.resolve(who + ".p12").toString(),
                    "-storepass",
                    PASSWORD,
                    "-file",
                    dir.resolve(who + ".crt").toString());
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    who,
                    "-file",
                    dir.resolve(who + ".crt").toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    dir.resolve("trusts-" + who + ".p12").toString(),
                    "-storepass",
                    PASSWORD);
        }
        return new MllpTlsPeers(dir);
    }

    public Path serverKeyStore() {
        return dir.resolve("server.p12");
    }

    /** Trusts the client certificate only. */
    public Path serverTrustStore() {
        return dir.resolve("trusts-client.p12");
    }

    /** Trusts the server's certificate; presents the client certificate when asked to. */
    public SSLContext clientContext(boolean withCertificate) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStore.getInstance(dir.resolve("trusts-server.p12").toFile(), PASSWORD.toCharArray()));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(
                KeyStore.getInstance(dir.resolve("client.p12").toFile(), PASSWORD.toCharArray()),
                PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(withCertificate ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** One MLLP exchange over a new TLS connection; the server's certificate is verified, host name included. */
    public static String exchange(SSLContext ctx, int port, String er7) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            var params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            s.startHandshake();
            s.getOutputStream().write(frame(er7));
            s.getOutputStream().flush();
            return readFrame(s.getInputStream());
        }
    }

    /** {@code <VT> message <FS><CR>}. */
    public static byte[] frame(String er7) {
        byte[] body = er7.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + 3];
        out[0] = 0x0B;
        System.arraycopy(body, 0, out, 1, body.length);
        out[body.length + 1] = 0x1C;
        out[body.length + 2] = 0x0D;
        return out;
    }

    /** Bytes up to the end of the frame, or up to the end of the stream when the peer closes first. */
    public static String readFrame(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != 0x1C; b = in.read()) {
            buf.write(b);
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Dcmtk.Result r = Dcmtk.run(cmd, 120);
        if (!r.ok()) {
            throw new IllegalStateException("keytool failed: " + r.output());
        }
    }
}

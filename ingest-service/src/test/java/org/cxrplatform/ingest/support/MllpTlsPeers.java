package org.cxrplatform.ingest.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.cxrplatform.testsupport.Mllp;
import org.cxrplatform.testsupport.TestTls;

/**
 * Key material for MLLP-over-TLS tests (a server and a client identity from test-support's
 * {@link TestTls}, each trusted by the other's trust store), and a real TLS MLLP client ({@link Mllp#exchangeTls}).
 */
public final class MllpTlsPeers {

    public static final String PASSWORD = TestTls.PASSWORD;

    private final TestTls.Identity server;
    private final TestTls.Identity client;

    private MllpTlsPeers(TestTls.Identity server, TestTls.Identity client) {
        this.server = server;
        this.client = client;
    }

    /** Makes the server and the client identity in {@code dir}. */
    public static MllpTlsPeers make(Path dir) {
        return new MllpTlsPeers(
                TestTls.make(dir, "server", TestTls.LOOPBACK), TestTls.make(dir, "client", TestTls.LOOPBACK));
    }

    public Path serverKeyStore() {
        return server.keyStore();
    }

    /** Trusts the client certificate only. */
    public Path serverTrustStore() {
        return client.trustStore();
    }

    /** Trusts the server's certificate; presents the client certificate when asked to. */
    public SSLContext clientContext(boolean withCertificate) {
        return client.context(withCertificate, server);
    }

    /**
     * One MLLP exchange over a new TLS connection ({@link Mllp#exchangeTls}: the server's certificate is
     * verified, host name included); "" when the server closes without answering.
     */
    public static String exchange(SSLContext ctx, int port, String er7) throws IOException {
        String answer = Mllp.exchangeTls(ctx, port, er7);
        return answer == null ? "" : answer;
    }

    /** Bytes up to the end of the frame, or up to the end of the stream when the peer closes first. */
    public static String readFrame(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != 0x1C; b = in.read()) {
            buf.write(b);
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }
}

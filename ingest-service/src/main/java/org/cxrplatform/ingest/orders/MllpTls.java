package org.cxrplatform.ingest.orders;

import ca.uhn.hl7v2.util.StandardSocketFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.cxrplatform.ingest.config.IngestConfig;

/**
 * TLS for the MLLP order listener ({@code cxr.ingest.orders.tls.*}), configured per listener (never
 * through the JVM-wide {@code javax.net.ssl.*} system properties, which would also change Kafka's and
 * the PACS clients' trust). Store types (PKCS12 or JKS) are detected from the files.
 */
final class MllpTls {

    private final Path keyStore;
    private final String keyStorePassword;
    /** Null: the JDK's default trust. */
    private final Path trustStore;

    private final String trustStorePassword;
    private final boolean requireClientCert;

    MllpTls(IngestConfig.Orders.Tls config) {
        this.keyStore = config.keyStore().orElse(null);
        this.keyStorePassword = config.keyStorePassword().orElse(null);
        this.trustStore = config.trustStore().orElse(null);
        this.trustStorePassword = config.trustStorePassword().orElse(null);
        this.requireClientCert = config.requireClientCert();
    }

    /** Loads the stores; fails with the file and the cause when one cannot be read. */
    public SSLContext sslContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keyStore, keyStorePassword, "key store"), chars(keyStorePassword));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore == null ? null : load(trustStore, trustStorePassword, "trust store"));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MLLP TLS: cannot use key store " + keyStore + ": " + e.getMessage(), e);
        }
    }

    /** HAPI socket factory whose TLS server sockets use {@link #sslContext()} and this client-certificate policy. */
    public StandardSocketFactory socketFactory() {
        SSLContext ctx = sslContext();
        return new StandardSocketFactory() {
            @Override
            public ServerSocket createTlsServerSocket() throws IOException {
                SSLServerSocket socket =
                        (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
                socket.setNeedClientAuth(requireClientCert);
                return socket;
            }
        };
    }

    private static KeyStore load(Path file, String password, String what) {
        if (file == null) {
            throw new IllegalStateException("MLLP TLS: no " + what + " configured");
        }
        try {
            return KeyStore.getInstance(file.toFile(), chars(password));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("MLLP TLS: cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }

    /** Never prints the passwords. */
    @Override
    public String toString() {
        return "MllpTls[keyStore=" + keyStore + ", trustStore=" + (trustStore == null ? "JDK default" : trustStore)
                + ", requireClientCert=" + requireClientCert + "]";
    }
}

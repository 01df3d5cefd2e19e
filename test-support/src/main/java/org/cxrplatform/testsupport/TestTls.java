package org.cxrplatform.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key material for TLS tests, made when the test runs (nothing committed): one self-signed EC
 * certificate per identity from the JDK's keytool, in every form the peers read. Servers and clients trust
 * each other by the certificate itself (a self-signed certificate is its own root), so a test that
 * trusts another identity's certificate proves a wrong server or client is refused.
 */
public final class TestTls {

    /** Password of every store and key made here. */
    public static final String PASSWORD = "test-secret";

    /** The SANs a loopback server needs for host name verification. */
    public static final String LOOPBACK = "ip:127.0.0.1,dns:localhost";

    /**
     * One identity.
     *
     * @param keyStore   PKCS12 with the private key and certificate (alias {@code name})
     * @param trustStore PKCS12 holding only the certificate: what a peer that trusts this identity loads
     * @param certPem    the certificate, PEM
     * @param keyPem     the private key, unencrypted PKCS#8 PEM, readable by the owner only (PostgreSQL requires it)
     */
    public record Identity(String name, Path keyStore, Path trustStore, Path certPem, Path keyPem) {

        /** A TLS context presenting this identity (or none when {@code present} is false) and trusting {@code trusted}. */
        public SSLContext context(boolean present, Identity trusted) {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(trusted.trustStore()));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(keyStore), PASSWORD.toCharArray());
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(present ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
                return ctx;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build a TLS context for " + name, e);
            }
        }
    }

    private TestTls() {}

    /**
     * Makes identity {@code name} (subject CN={@code name}) in {@code dir}: {@code name.p12},
     * {@code name-trust.p12}, {@code name.crt}, {@code name.key}.
     *
     * @param sans keytool SAN list, e.g. {@link #LOOPBACK}
     */
    public static Identity make(Path dir, String name, String sans) {
        return make(dir, name, sans, "-keyalg", "EC", "-groupname", "secp256r1");
    }

    /**
     * As {@link #make}, with an RSA 2048 key: for a peer on GnuTLS (rsyslog), which cannot read the JDK's
     * EC private keys (PKCS#8 without the public key: "ASN1 parser: Element was not found").
     */
    public static Identity makeRsa(Path dir, String name, String sans) {
        return make(dir, name, sans, "-keyalg", "RSA", "-keysize", "2048");
    }

    private static Identity make(Path dir, String name, String sans, String... keyAlgorithm) {
        Path keyStore = dir.resolve(name + ".p12");
        Path trustStore = dir.resolve(name + "-trust.p12");
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        try {
            Files.createDirectories(dir);
            // one keytool run makes the key pair; the other forms are written from it here (each JVM start costs
            // seconds)
            List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name));
            args.addAll(List.of(keyAlgorithm));
            args.addAll(List.of(
                    "-validity",
                    "2",
                    "-dname",
                    "CN=" + name,
                    "-ext",
                    "SAN=" + sans,
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass",
                    PASSWORD));
            keytool(args);
            writeDerivedForms(keyStore, name, trustStore, cert, key);
            return new Identity(name, keyStore, trustStore, cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS material for " + name + " in " + dir, e);
        }
    }

    private static void writeDerivedForms(Path keyStore, String alias, Path trustStore, Path cert, Path key)
            throws IOException {
        try {
            KeyStore source = load(keyStore);
            Certificate certificate = source.getCertificate(alias);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(alias, certificate);
            try (OutputStream out = Files.newOutputStream(trustStore)) {
                trust.store(out, PASSWORD.toCharArray());
            }
            Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    key,
                    pem(
                            "PRIVATE KEY",
                            source.getKey(alias, PASSWORD.toCharArray()).getEncoded()),
                    StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the stores of " + alias + " from " + keyStore, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static KeyStore load(Path store) {
        try {
            return KeyStore.getInstance(store.toFile(), PASSWORD.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key store " + store, e);
        }
    }

    private static void keytool(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(args);
        Dcmtk.Result r = Dcmtk.run(cmd, 120);
        if (!r.ok()) {
            throw new IllegalStateException("keytool failed: " + r.output());
        }
    }
}

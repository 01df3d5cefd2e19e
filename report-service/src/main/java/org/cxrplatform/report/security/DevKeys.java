package org.cxrplatform.report.security;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.build.Jwt;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.cxrplatform.report.ReportConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The local token issuer's RSA key pair, under {@code <data-dir>/jwt/}: generated on first start
 * when {@code cxr.report.dev-auth=true}, reused afterwards so tokens survive restarts. The public
 * half is what {@code mp.jwt.verify.publickey.location} points at by default. In production
 * dev-auth is off and that key location points at the identity provider's key instead.
 */
@Startup
@ApplicationScoped
public class DevKeys {

    private static final Logger LOG = Logger.getLogger(DevKeys.class);

    @Inject
    ReportConfig config;

    @ConfigProperty(name = "mp.jwt.verify.issuer", defaultValue = "cxr-report-dev")
    String issuer;

    @ConfigProperty(name = "mp.jwt.verify.publickey.location", defaultValue = "")
    String verifyKeyLocation;

    private PrivateKey privateKey;

    @PostConstruct
    void init() {
        Path dir = config.dataDir().resolve("jwt");
        Path priv = dir.resolve("private-key.pem");
        Path pub = dir.resolve("public-key.pem");
        if (!config.devAuth()) {
            lockedKey(pub);
            return;
        }
        try {
            Files.createDirectories(dir);
            if (!Files.exists(priv) || !Files.exists(pub)) {
                KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
                gen.initialize(2048);
                KeyPair pair = gen.generateKeyPair();
                writeAtomically(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                writeAtomically(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                LOG.warnf(
                        "dev-auth is on: generated a token signing key pair in %s (never enable dev-auth in production)",
                        dir);
            }
            String body =
                    Files.readString(priv).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            privateKey = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the dev token keys in " + dir + " (cxr.report.data-dir)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the dev token key " + priv, e);
        }
    }

    /**
     * Dev-auth off and the verification key still pointing at the data dir (no identity provider
     * configured): writes a public key whose private half is thrown away, so the service starts and
     * answers 401 to every token instead of failing on a missing key file.
     */
    private void lockedKey(Path pub) {
        String location = verifyKeyLocation.replaceFirst("^file:", "");
        if (location.isEmpty()
                || !Path.of(location)
                        .toAbsolutePath()
                        .normalize()
                        .equals(pub.toAbsolutePath().normalize())
                || Files.exists(pub)) {
            return;
        }
        try {
            Files.createDirectories(pub.getParent());
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            writeAtomically(
                    pub, pem("PUBLIC KEY", gen.generateKeyPair().getPublic().getEncoded()));
            LOG.warnf("no identity provider configured (mp.jwt.verify.publickey.location) and dev-auth is off:"
                    + " the API refuses every token until one is configured");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pub + " (cxr.report.data-dir)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean enabled() {
        return privateKey != null;
    }

    /** A signed token for {@code user} with {@code roles} in its groups claim. */
    public String issue(String user, Set<String> roles, Duration lifetime) {
        return Jwt.issuer(issuer)
                .upn(user)
                .subject(user)
                .groups(roles)
                .expiresIn(lifetime)
                .sign(privateKey);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

package org.cxrplatform.ingest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tests' token issuer: an RSA key pair in {@code target/test-jwt/} (the application verifies with
 * the public half, see {@link #publicKeyLocation()}) and RS256 tokens signed here with the private half,
 * built by hand so the test needs nothing the application does not ship. The files, not a static
 * field, are shared: the Quarkus test resource and the test class live in different class loaders.
 */
public final class TestTokens {

    /** Matches %test.mp.jwt.verify.issuer in application.properties. */
    public static final String ISSUER = "cxr-test-issuer";
    private static final Path DIR = Path.of("target", "test-jwt");

    private TestTokens() {
    }

    /** Creates the key pair on first use; returns the public key's location (= %test.mp.jwt.verify.publickey.location). */
    public static synchronized String publicKeyLocation() {
        Path pub = DIR.resolve("public-key.pem");
        try {
            if (!Files.exists(pub) || !Files.exists(DIR.resolve("private-key.der"))) {
                KeyPair pair = newPair();
                Files.createDirectories(DIR);
                Files.write(DIR.resolve("private-key.der"), pair.getPrivate().getEncoded());
                Files.writeString(pub, "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "file:" + pub.toAbsolutePath();
    }

    /** A token for {@code user} with {@code roles} in its groups claim, valid for an hour, signed with the test key. */
    public static String token(String user, String... roles) {
        return sign(privateKey(), ISSUER, user, Instant.now().plusSeconds(3600), roles);
    }

    /** A token that expired a minute ago (otherwise valid). */
    public static String expiredToken(String user, String... roles) {
        return sign(privateKey(), ISSUER, user, Instant.now().minusSeconds(60), roles);
    }

    /** A token signed with the test key but issued by {@code issuer} (another identity provider, or a typo). */
    public static String tokenFromIssuer(String issuer, String user, String... roles) {
        return sign(privateKey(), issuer, user, Instant.now().plusSeconds(3600), roles);
    }

    /** A well-formed token signed by a key the application does not know. */
    public static String foreignToken(String user, String... roles) {
        return sign(newPair().getPrivate(), ISSUER, user, Instant.now().plusSeconds(3600), roles);
    }

    private static String sign(PrivateKey key, String issuer, String user, Instant expiry, String... roles) {
        long now = Instant.now().getEpochSecond();
        String groups = List.of(roles).stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(","));
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = "{\"iss\":\"" + issuer + "\",\"sub\":\"" + user + "\",\"upn\":\"" + user + "\",\"iat\":" + (now - 5)
                + ",\"exp\":" + expiry.getEpochSecond() + ",\"groups\":[" + groups + "]}";
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey() {
        publicKeyLocation();
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(Files.readAllBytes(DIR.resolve("private-key.der"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newPair() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package org.cxrplatform.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * RS256 bearer tokens for tests, as an identity provider issues them ({@code iss}, {@code sub},
 * {@code upn}, {@code groups}, {@code iat}, {@code exp}), signed with jose4j.
 *
 * <ul>
 *   <li>{@link #local()}: the tests' own issuer {@value #ISSUER}, its RSA key pair in
 *       {@code target/test-jwt/} (a service under test verifies with the public half,
 *       {@link #publicKeyLocation()}). The files, not a static field, are shared: a Quarkus test
 *       resource and the test class live in different class loaders.</li>
 *   <li>{@link #withNewKey(String)}: a new key pair, trusted by nobody until a service is given its
 *       {@link #publicKeyPem()} (a forged token otherwise; the issuer of a platform in containers).</li>
 * </ul>
 */
public final class TestTokens {

    /** The issuer of {@link #local()}: a service's {@code %test.mp.jwt.verify.issuer}. */
    public static final String ISSUER = "cxr-test-issuer";

    private static final Path DIR = Path.of("target", "test-jwt");

    private final String issuer;
    private final PrivateKey key;

    private TestTokens(String issuer, PrivateKey key) {
        this.issuer = issuer;
        this.key = key;
    }

    /** The tests' issuer; creates its key pair under {@code target/test-jwt/} on first use. */
    public static TestTokens local() {
        publicKeyLocation();
        try {
            return new TestTokens(
                    ISSUER,
                    KeyFactory.getInstance("RSA")
                            .generatePrivate(
                                    new PKCS8EncodedKeySpec(Files.readAllBytes(DIR.resolve("private-key.der")))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An issuer named {@code issuer} with a new key pair that no service knows yet. */
    public static TestTokens withNewKey(String issuer) {
        return new TestTokens(issuer, newPair().getPrivate());
    }

    /** The same key under another issuer name: its tokens fail only a service's issuer check. */
    public TestTokens asIssuer(String otherIssuer) {
        return new TestTokens(otherIssuer, key);
    }

    /** The public key as PEM (what {@code mp.jwt.verify.publickey} or the chart's {@code auth.jwt.publicKeyPem} takes). */
    public String publicKeyPem() {
        // An RSA private key in CRT form (what KeyPairGenerator makes) carries its public half.
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
        try {
            return pem(KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates {@link #local()}'s key pair on first use; returns the public key's location
     * ({@code file:...}, a service's {@code %test.mp.jwt.verify.publickey.location}).
     */
    public static synchronized String publicKeyLocation() {
        Path pub = DIR.resolve("public-key.pem");
        try {
            if (!Files.exists(pub) || !Files.exists(DIR.resolve("private-key.der"))) {
                KeyPair pair = newPair();
                Files.createDirectories(DIR);
                Files.write(DIR.resolve("private-key.der"), pair.getPrivate().getEncoded());
                Files.writeString(pub, pem(pair.getPublic()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "file:" + pub.toAbsolutePath();
    }

    /** A token for {@code user} with {@code roles} as its groups, valid for an hour. */
    public String token(String user, String... roles) {
        return sign(user, Instant.now().plusSeconds(3600), roles);
    }

    /** A token that expired a minute ago (otherwise valid). */
    public String expiredToken(String user, String... roles) {
        return sign(user, Instant.now().minusSeconds(60), roles);
    }

    private String sign(String user, Instant expiry, String... roles) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(user);
        claims.setClaim("upn", user);
        claims.setIssuedAt(NumericDate.fromSeconds(Instant.now().getEpochSecond() - 5));
        claims.setExpirationTime(NumericDate.fromSeconds(expiry.getEpochSecond()));
        claims.setStringListClaim("groups", List.of(roles));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(PublicKey publicKey) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicKey.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
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
}

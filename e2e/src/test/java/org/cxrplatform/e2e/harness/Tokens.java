package org.cxrplatform.e2e.harness;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An identity provider of the test's own: an RSA key pair and RS256 bearer tokens signed with it,
 * with the issuer, subject and {@code groups} (roles) claims the services read. Give the services
 * {@link #publicKeyPem()} to trust it; a second instance is a key they never saw.
 *
 * <p>Thread-safe.
 */
public final class Tokens implements ReportApi.TokenIssuer {

    private final String issuer;
    private final KeyPair keys;

    public Tokens(String issuer) {
        this.issuer = issuer;
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            this.keys = gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as PEM (what {@code mp.jwt.verify.publickey.location} or the chart's {@code auth.jwt.publicKeyPem} takes). */
    public String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** A token for {@code user} with {@code roles} in its groups claim, valid for an hour. */
    @Override
    public String token(String user, List<String> roles) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String groups = roles.stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(",", "[", "]"));
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"" + issuer + "\",\"upn\":\"" + user + "\",\"sub\":\"" + user + "\",\"groups\":"
                + groups + ",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(keys.getPrivate());
            sig.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + b64.encodeToString(sig.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

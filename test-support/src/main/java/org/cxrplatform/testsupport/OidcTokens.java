package org.cxrplatform.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * What a client and a resource server do with an {@link OidcProvider}'s tokens: obtain one with the
 * client credentials grant, and verify one as a resource server does (signature against the
 * provider's published JWKS, issuer, expiry, audience), with jose4j.
 */
public final class OidcTokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String issuer;
    private final HttpsJwksVerificationKeyResolver keys;

    /** The provider listening at {@code url} whose tokens carry {@code issuer}. */
    public OidcTokens(String url, String issuer) {
        this.url = url;
        this.issuer = issuer;
        this.keys = new HttpsJwksVerificationKeyResolver(new HttpsJwks(url + "/jwks"));
    }

    /** An access token for service client {@code clientId} (client credentials grant, optional scope). */
    public String clientCredentials(String clientId, String scope) {
        String form = "grant_type=client_credentials"
                + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        String basic = Base64.getEncoder()
                .encodeToString((clientId + ":" + OidcProvider.secretOf(clientId)).getBytes(StandardCharsets.UTF_8));
        Http.Response r = Http.send(
                "POST",
                url + "/token",
                "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8),
                Map.of("Authorization", "Basic " + basic));
        if (r.status() != 200) {
            throw new IllegalStateException(
                    "token request of " + clientId + " refused: " + r.status() + " " + r.body());
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            return body.get("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The claims of {@code token} if it verifies for {@code audience}; otherwise the reason, as jose4j gives it. */
    public JwtClaims verify(String token, String audience) throws InvalidJwtException {
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(keys)
                .setExpectedIssuer(issuer)
                .setExpectedAudience(audience)
                .setRequireExpirationTime()
                .setRequireSubject()
                .build()
                .processToClaims(token);
    }
}

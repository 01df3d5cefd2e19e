package org.cxrplatform.report.fhir;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.cxrplatform.report.ReportConfig;

/**
 * The FHIR push's credentials: with {@code cxr.report.fhir.client-credentials=true} an OAuth2
 * access token from the identity provider (client credentials grant, quarkus-oidc-client's
 * {@code quarkus.oidc-client.*}), kept until shortly before it expires and sent as a bearer token.
 */
@ApplicationScoped
public class FhirAuthorization {

    /** A token this close to its expiry is replaced before the request, not refused by the server after it. */
    private static final Duration RENEW_BEFORE = Duration.ofSeconds(30);

    @Inject
    ReportConfig config;

    @Inject
    OidcClient client;

    private Tokens tokens;

    /** The Authorization header value, none when the push is unauthenticated. */
    synchronized Optional<String> header() {
        if (!config.fhir().clientCredentials()) {
            return Optional.empty();
        }
        if (tokens == null || expiresSoon(tokens)) {
            tokens = client.getTokens().await().atMost(Duration.ofSeconds(30));
        }
        return Optional.of("Bearer " + tokens.getAccessToken());
    }

    /** The server refused the token (revoked, keys rotated): the next request gets a new one. */
    synchronized void refused() {
        tokens = null;
    }

    private static boolean expiresSoon(Tokens t) {
        Long expiresAt = t.getAccessTokenExpiresAt();
        return expiresAt != null && Instant.now().plus(RENEW_BEFORE).getEpochSecond() >= expiresAt;
    }
}

package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.testsupport.Http;
import org.cxrplatform.testsupport.OidcProvider;
import org.cxrplatform.testsupport.OidcTokens;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FHIR push with OAuth2 client credentials: report-service obtains a token from the real
 * OpenID provider and sends it as a bearer token; the FHIR server here accepts a PUT only if the
 * token verifies against the provider's JWKS for its audience and carries the write scope.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
class FhirClientCredentialsTest {

    record Accepted(String path, String subject, String scope) {}

    static HttpServer fhirServer;
    static OidcTokens tokens;
    static final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    static final List<String> refused = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startFhirServer() throws IOException {
        ReportServiceResources.ris();
        tokens = SignOnProfile.tokens();
        HookServer.stopShared(); // this class answers the FHIR (and webhook) calls itself
        fhirServer = HttpServer.create(
                new InetSocketAddress("127.0.0.1", Integer.getInteger(ReportServiceResources.WEBHOOK_PORT)), 0);
        fhirServer.createContext("/hook", ex -> answer(ex, 200));
        fhirServer.createContext("/fhir", FhirClientCredentialsTest::fhirPut);
        fhirServer.start();
    }

    @AfterAll
    static void stopFhirServer() {
        fhirServer.stop(0);
        HookServer.shared();
    }

    private static void fhirPut(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String header = ex.getRequestHeaders().getFirst("Authorization");
        try {
            if (header == null || !header.startsWith("Bearer ")) {
                throw new IllegalArgumentException("no bearer token");
            }
            JwtClaims claims = tokens.verify(header.substring("Bearer ".length()), OidcProvider.FHIR_AUDIENCE);
            String scope = claims.getStringClaimValue("scope");
            if (scope == null || !List.of(scope.split(" ")).contains(OidcProvider.FHIR_SCOPE)) {
                throw new IllegalArgumentException("scope " + scope + " lacks " + OidcProvider.FHIR_SCOPE);
            }
            accepted.add(new Accepted(path, claims.getSubject(), scope));
            answer(ex, 200);
        } catch (InvalidJwtException | MalformedClaimException | IllegalArgumentException e) {
            refused.add(path + ": " + e.getMessage());
            answer(ex, 401);
        }
    }

    private static void answer(HttpExchange ex, int status) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    @Test
    void theReportIsPushedWithTheProvidersTokenForTheFhirServer() {
        String tag = "FCC" + UUID.randomUUID().toString().substring(0, 6);
        ReportEvent event =
                Fixtures.report(tag, Fixtures.patient(tag), Lane.ROUTINE, "No acute findings.", Fixtures.MODEL);
        Fixtures.publish(event);

        String path = "/fhir/DiagnosticReport/" + event.reportId();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> accepted.stream().anyMatch(a -> a.path().equals(path)));
        Accepted push =
                accepted.stream().filter(a -> a.path().equals(path)).findFirst().orElseThrow();
        assertThat(push.subject()).isEqualTo(OidcProvider.FHIR_CLIENT);
        assertThat(refused).noneMatch(r -> r.startsWith(path + ":"));
    }

    @Test
    void theFhirServerRefusesATokenForAnotherAudienceAndNoToken() {
        String url = "http://127.0.0.1:" + Integer.getInteger(ReportServiceResources.WEBHOOK_PORT)
                + "/fhir/DiagnosticReport/test-refusal";
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String apiToken = tokens.clientCredentials(OidcProvider.API_RADIOLOGIST, null);
        assertThat(Http.send("PUT", url, "application/fhir+json", body, Map.of("Authorization", "Bearer " + apiToken))
                        .status())
                .isEqualTo(401);
        assertThat(Http.send("PUT", url, "application/fhir+json", body, Map.of())
                        .status())
                .isEqualTo(401);
        assertThat(refused).anyMatch(r -> r.contains("Audience"));
    }
}

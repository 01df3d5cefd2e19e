package org.cxrplatform.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.cxrplatform.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

/**
 * Backlog jobs over real HTTP with tokens signed in the test: only an administrator's token (default
 * {@code cxr.ingest.jobs.roles=admin}) reaches the endpoints. Every request of each case is the same
 * GET list, GET one and POST create, so only the token decides; the app has no PACS, so an admitted
 * POST is answered 503 by the resource itself.
 */
@QuarkusTest
@QuarkusTestResource(IngestAppResource.class)
@QuarkusTestResource(StowTokensResource.class)
class JobsAuthTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String JOB =
            "{\"from\":\"2024-01-01\",\"to\":\"2024-12-31\",\"modality\":\"CR\",\"bodyPart\":\"CHEST\"}";

    @TestHTTPResource("/jobs")
    URI jobs;

    @Test
    void adminTokenReachesEveryJobsEndpoint() throws Exception {
        String admin = TestTokens.local().token("ops", "admin");
        HttpResponse<String> list = send("GET", "", admin, null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).isArray()).isTrue();
        HttpResponse<String> one = send("GET", "/nope", admin, null);
        assertThat(one.statusCode()).as(one.body()).isEqualTo(404);
        assertThat(error(one)).isEqualTo("no job nope");
        HttpResponse<String> create = send("POST", "", admin, JOB);
        assertThat(create.statusCode()).as(create.body()).isEqualTo(503);
        assertThat(error(create)).contains("no PACS configured");
    }

    @Test
    void validTokenWithoutTheAdminRoleIs403WithAJsonReason() throws Exception {
        for (String[] roles : List.of(new String[] {"viewer", "radiologist"}, new String[] {"stow"})) {
            for (HttpResponse<String> r : all(TestTokens.local().token("alice", roles))) {
                assertThat(r.statusCode()).as(r.request() + " " + r.body()).isEqualTo(403);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
                assertThat(error(r)).isEqualTo("caller alice has none of the roles [admin] required for /jobs");
            }
        }
    }

    @Test
    void noTokenIs401WithBearerChallengeEvenForAnInvalidBody() throws Exception {
        List<HttpResponse<String>> refused = new java.util.ArrayList<>(all(null));
        refused.add(send("POST", "", null, "{\"from\":\"tomorrow\""));
        for (HttpResponse<String> r : refused) {
            assertThat(r.statusCode()).as(r.request() + " " + r.body()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(error(r)).isEqualTo("/jobs requires a bearer token (Authorization: Bearer ...)");
        }
    }

    @Test
    void expiredWrongIssuerAndWrongSignatureAre401InvalidToken() throws Exception {
        List<String> bad = List.of(
                TestTokens.local().expiredToken("ops", "admin"),
                TestTokens.local().asIssuer("https://other-idp.example.org").token("ops", "admin"),
                TestTokens.withNewKey(TestTokens.ISSUER).token("mallory", "admin"),
                "not.a.jwt");
        for (String token : bad) {
            for (HttpResponse<String> r : all(token)) {
                assertThat(r.statusCode()).as(r.request() + " " + r.body()).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
                assertThat(error(r)).isEqualTo("invalid or expired bearer token");
            }
        }
    }

    @Test
    void theAdminRoleDoesNotOpenStowRs() throws Exception {
        HttpRequest post = HttpRequest.newBuilder(jobs.resolve("/dicomweb/studies"))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=B")
                .header("Authorization", "Bearer " + TestTokens.local().token("ops", "admin"))
                .POST(HttpRequest.BodyPublishers.ofString("--B--\r\n"))
                .build();
        HttpResponse<String> r = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }

    private List<HttpResponse<String>> all(String token) throws Exception {
        return List.of(
                send("GET", "", token, null), send("GET", "/some-id", token, null), send("POST", "", token, JOB));
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(jobs + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").asText();
    }
}

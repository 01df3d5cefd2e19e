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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.testsupport.TestTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * STOW-RS authentication over real HTTP: tokens signed in the test with the key the application
 * verifies with (and with a foreign key), the same valid multipart body each time so only the
 * token decides. Health and metrics stay open.
 */
@QuarkusTest
@QuarkusTestResource(IngestAppResource.class)
@QuarkusTestResource(StowTokensResource.class)
class StowAuthTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BOUNDARY = "auth-" + UUID.randomUUID();
    private static byte[] body;
    private static SampleStudies.Sample sample;

    @TestHTTPResource("/dicomweb/studies")
    URI studies;

    @TestHTTPResource("/")
    URI root;

    @BeforeAll
    static void sample() throws Exception {
        Path dir = Files.createTempDirectory("stow-auth");
        sample = SampleStudies.write(dir, 5151).get(0);
        body = StowTest.multipart(BOUNDARY, List.of(Files.readAllBytes(sample.file())));
    }

    @Test
    void noTokenIs401WithBearerChallengeAndReason() throws Exception {
        HttpResponse<String> r = stow(null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/dicom+json");
        assertThat(errorComment(r)).contains("requires a bearer token");
    }

    @Test
    void badTokensAre401InvalidToken() throws Exception {
        for (String token : List.of(
                TestTokens.withNewKey(TestTokens.ISSUER).token("mallory", "stow"),
                TestTokens.local().expiredToken("router", "stow"),
                "not.a.jwt")) {
            HttpResponse<String> r = stow(token);
            assertThat(r.statusCode()).as(token + " -> " + r.body()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
            assertThat(errorComment(r)).isEqualTo("invalid or expired bearer token");
        }
    }

    @Test
    void validTokenWithoutTheRoleIs403() throws Exception {
        HttpResponse<String> r = stow(TestTokens.local().token("alice", "viewer", "radiologist"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(errorComment(r)).contains("alice").contains("stow");
    }

    @Test
    void validTokenWithTheRoleStores() throws Exception {
        HttpResponse<String> r = stow(TestTokens.local().token("router", "stow"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body())
                        .path("00081199")
                        .path("Value")
                        .get(0)
                        .path("00081155")
                        .path("Value")
                        .get(0)
                        .asText())
                .isEqualTo(sample.sopInstanceUid());
    }

    @Test
    void healthAndMetricsStayOpenEvenWithAStaleToken() throws Exception {
        for (String path : List.of("q/health/live", "q/metrics")) {
            for (String auth :
                    new String[] {null, "Bearer " + TestTokens.local().expiredToken("router", "stow")}) {
                HttpRequest.Builder get = HttpRequest.newBuilder(root.resolve(path));
                if (auth != null) {
                    get.header("Authorization", auth);
                }
                HttpResponse<String> r = HTTP.send(get.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path + " with " + auth).isEqualTo(200);
            }
        }
    }

    private HttpResponse<String> stow(String token) throws Exception {
        HttpRequest.Builder post = HttpRequest.newBuilder(studies)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            post.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(post.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String errorComment(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("00000902").path("Value").get(0).asText();
    }
}

package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.cxrplatform.testsupport.OidcProvider;
import org.cxrplatform.testsupport.OidcTokens;
import org.junit.jupiter.api.Test;

/**
 * The API against the real OpenID provider's tokens (client credentials grant; the same JWT access
 * tokens as the worklist's sign-on): a valid one passes, a missing role is 403, and a wrong issuer,
 * a bad signature, another audience and an expired token are 401.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
class SignOnTokenTest {

    /** No report has this id: a radiologist's accept is authorised, then finds nothing. */
    private static final String NO_SUCH_REPORT = "0".repeat(32);

    @Test
    void aValidTokenPassesWithItsRolesAndATokenWithoutTheRoleIsForbidden() {
        OidcTokens tokens = SignOnProfile.tokens();
        String radiologist = tokens.clientCredentials(OidcProvider.API_RADIOLOGIST, null);
        given().auth().oauth2(radiologist).get("/api/reports").then().statusCode(200);
        given().auth()
                .oauth2(radiologist)
                .post("/api/reports/" + NO_SUCH_REPORT + "/accept")
                .then()
                .statusCode(404);
        given().auth().oauth2(radiologist).get("/api/audit").then().statusCode(403);

        String noRole = tokens.clientCredentials(OidcProvider.API_NO_ROLE, null);
        given().auth().oauth2(noRole).get("/api/reports").then().statusCode(403);
        given().auth()
                .oauth2(noRole)
                .post("/api/reports/" + NO_SUCH_REPORT + "/accept")
                .then()
                .statusCode(403);
    }

    @Test
    void wrongIssuerBadSignatureAndAnotherAudienceAreRefused() throws Exception {
        // the same signing keys under another issuer: only the issuer check can refuse it
        try (OidcProvider other = OidcProvider.in(Files.createTempDirectory("cxr-oidc-other-"))
                .keys(Path.of(System.getProperty(SignOnProfile.KEYS)))
                .start()) {
            String foreign = other.tokens().clientCredentials(OidcProvider.API_RADIOLOGIST, null);
            given().auth().oauth2(foreign).get("/api/reports").then().statusCode(401);
        }

        // a real token whose payload was given the admin role: its signature no longer matches
        String noRole = SignOnProfile.tokens().clientCredentials(OidcProvider.API_NO_ROLE, null);
        String[] parts = noRole.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(payload).contains("\"roles\":[]");
        String elevated = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        payload.replace("\"roles\":[]", "\"roles\":[\"admin\"]").getBytes(StandardCharsets.UTF_8));
        given().auth()
                .oauth2(parts[0] + "." + elevated + "." + parts[2])
                .get("/api/audit")
                .then()
                .statusCode(401);

        // the FHIR server's token: right issuer and signature, wrong audience
        String fhir = SignOnProfile.tokens().clientCredentials(OidcProvider.FHIR_CLIENT, OidcProvider.FHIR_SCOPE);
        given().auth().oauth2(fhir).get("/api/reports").then().statusCode(401);

        // no dev tokens in these settings
        given().contentType(ContentType.JSON)
                .body(Map.of("user", "mallory", "roles", List.of("admin")))
                .post("/auth/dev-token")
                .then()
                .statusCode(404);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        OidcTokens tokens = SignOnProfile.tokens();
        String shortLived = tokens.clientCredentials(OidcProvider.API_SHORT_LIVED, null);
        // read, not verified: on a loaded machine the 1 s token may be expired already
        long expiry = new ObjectMapper()
                .readTree(Base64.getUrlDecoder().decode(shortLived.split("\\.")[1]))
                .get("exp")
                .asLong();
        assertThat(expiry).isLessThanOrEqualTo(Instant.now().getEpochSecond() + 1);
        // past its expiry plus the profile's clock skew (1 s)
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().getEpochSecond() > expiry + 2);
        given().auth().oauth2(shortLived).get("/api/reports").then().statusCode(401);
    }
}

package org.cxrplatform.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenID provider's client credentials tokens, verified by jose4j as a resource server would. */
class OidcProviderTest {

    static OidcProvider provider;

    @BeforeAll
    static void start() throws Exception {
        provider = OidcProvider.in(Files.createTempDirectory("cxr-oidc-")).start();
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @Test
    void aServiceClientsTokenCarriesItsRolesAndVerifiesOnlyForItsAudience() throws Exception {
        OidcTokens tokens = provider.tokens();
        String token = tokens.clientCredentials(OidcProvider.API_RADIOLOGIST, null);

        JwtClaims claims = tokens.verify(token, OidcProvider.API_AUDIENCE);
        assertThat(claims.getSubject()).isEqualTo(OidcProvider.API_RADIOLOGIST);
        assertThat(claims.getIssuer()).isEqualTo(provider.issuer());
        assertThat(claims.getStringListClaimValue(OidcProvider.ROLES_CLAIM)).containsExactly("radiologist");
        assertThatThrownBy(() -> tokens.verify(token, OidcProvider.FHIR_AUDIENCE))
                .isInstanceOf(InvalidJwtException.class)
                .hasMessageContaining("Audience");
    }

    @Test
    void theFhirClientGetsItsScopeAndAProviderWithTheSameKeysButAnotherNameIsNotTheIssuer() throws Exception {
        String fhir = provider.tokens().clientCredentials(OidcProvider.FHIR_CLIENT, OidcProvider.FHIR_SCOPE);
        assertThat(provider.tokens().verify(fhir, OidcProvider.FHIR_AUDIENCE).getStringClaimValue("scope"))
                .isEqualTo(OidcProvider.FHIR_SCOPE);

        Path dir = Files.createTempDirectory("cxr-oidc-other-");
        try (OidcProvider other = OidcProvider.in(dir)
                .issuer("http://other-issuer.test")
                .keys(provider.keys())
                .start()) {
            String foreign = other.tokens().clientCredentials(OidcProvider.API_RADIOLOGIST, null);
            // same keys: the signature verifies, only the issuer differs
            assertThat(other.tokens().verify(foreign, OidcProvider.API_AUDIENCE).getIssuer())
                    .isEqualTo("http://other-issuer.test");
            assertThatThrownBy(() -> provider.tokens().verify(foreign, OidcProvider.API_AUDIENCE))
                    .isInstanceOf(InvalidJwtException.class)
                    .hasMessageContaining("Issuer");
        }
    }
}

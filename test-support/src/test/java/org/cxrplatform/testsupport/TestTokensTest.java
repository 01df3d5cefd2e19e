package org.cxrplatform.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;

/** Tokens as a verifier configured with the published public key and issuer sees them. */
class TestTokensTest {

    private static JwtConsumer verifier() throws Exception {
        return verifier(
                Files.readString(Path.of(TestTokens.publicKeyLocation().substring("file:".length()))),
                TestTokens.ISSUER);
    }

    private static JwtConsumer verifier(String pem, String issuer) throws Exception {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PublicKey key = KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        return new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setExpectedIssuer(issuer)
                .setRequireExpirationTime()
                .setRequireSubject()
                .build();
    }

    @Test
    void aLocalTokenVerifiesWithTheRolesAsGroupsAndForeignOrExpiredOnesDoNot() throws Exception {
        JwtClaims claims = verifier().processToClaims(TestTokens.local().token("router", "stow", "viewer"));
        assertThat(claims.getSubject()).isEqualTo("router");
        assertThat(claims.getClaimValueAsString("upn")).isEqualTo("router");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("stow", "viewer");

        assertThatThrownBy(() -> verifier()
                        .processToClaims(
                                TestTokens.withNewKey(TestTokens.ISSUER).token("mallory", "stow")))
                .isInstanceOf(InvalidJwtException.class);
        assertThatThrownBy(() -> verifier().processToClaims(TestTokens.local().expiredToken("router", "stow")))
                .isInstanceOf(InvalidJwtException.class)
                .hasMessageContaining("no longer valid");
    }

    @Test
    void aNewKeysTokenVerifiesWithItsPublishedPemOnly() throws Exception {
        TestTokens issuer = TestTokens.withNewKey("cxr-e2e-containers");
        JwtClaims claims = verifier(issuer.publicKeyPem(), "cxr-e2e-containers")
                .processToClaims(issuer.token("e2e-admin", "admin"));
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("admin");
        assertThat(TestTokens.local().publicKeyPem()).isNotEqualTo(issuer.publicKeyPem());
        assertThatThrownBy(() -> verifier(issuer.publicKeyPem(), TestTokens.ISSUER)
                        .processToClaims(TestTokens.local().token("router", "stow")))
                .isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void anotherIssuerNameKeepsTheKeySoOnlyTheIssuerCheckRefusesIt() throws Exception {
        String other =
                TestTokens.local().asIssuer("https://other-idp.example.org").token("ops", "admin");
        assertThat(verifier(TestTokens.local().publicKeyPem(), "https://other-idp.example.org")
                        .processToClaims(other)
                        .getSubject())
                .as("signature valid")
                .isEqualTo("ops");
        assertThatThrownBy(() -> verifier().processToClaims(other))
                .isInstanceOf(InvalidJwtException.class)
                .hasMessageContaining("https://other-idp.example.org");
    }
}

package org.cxrplatform.report;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.testsupport.OidcProvider;
import org.cxrplatform.testsupport.OidcTokens;

/**
 * report-service as a hospital runs it, against a real OpenID provider (test-support's
 * OidcProvider): worklist sign-on on, bearer tokens verified against the provider's JWKS, issuer
 * and audience, roles from its {@code roles} claim, dev tokens off, the FHIR push authenticated with
 * client credentials. One application start for the sign-on tests.
 */
public class SignOnProfile implements QuarkusTestProfile {

    /** System properties the tests read (the resource and the tests live in different class loaders). */
    static final String ISSUER = "cxr.test.oidc.issuer";

    static final String KEYS = "cxr.test.oidc.keys";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("quarkus.oidc.tenant-enabled", "true"),
                Map.entry("quarkus.oidc.client-id", OidcProvider.WORKLIST_CLIENT),
                Map.entry("quarkus.oidc.credentials.secret", OidcProvider.WORKLIST_SECRET),
                Map.entry("mp.jwt.verify.audiences", OidcProvider.API_AUDIENCE),
                Map.entry("smallrye.jwt.path.groups", OidcProvider.ROLES_CLAIM),
                // the expiry test waits for exp + skew: 1 s instead of the default 60 s
                Map.entry("mp.jwt.verify.clock.skew", "1"),
                Map.entry("cxr.report.dev-auth", "false"),
                Map.entry("%test.cxr.report.dev-auth", "false"),
                Map.entry("cxr.report.fhir.client-credentials", "true"),
                Map.entry("quarkus.oidc-client.client-id", OidcProvider.FHIR_CLIENT),
                Map.entry("quarkus.oidc-client.credentials.secret", OidcProvider.secretOf(OidcProvider.FHIR_CLIENT)),
                Map.entry("quarkus.oidc-client.scopes", OidcProvider.FHIR_SCOPE));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Provider.class));
    }

    /** The provider's tokens, as a client and a resource server see them. */
    static OidcTokens tokens() {
        String issuer = System.getProperty(ISSUER);
        return new OidcTokens(issuer, issuer);
    }

    /** Starts the provider on a free port and points the service at it; the service's HTTP port is fixed first, for the redirect URI. */
    public static class Provider implements QuarkusTestResourceLifecycleManager {

        private OidcProvider provider;

        @Override
        public Map<String, String> start() {
            int http = FreePorts.next();
            try {
                provider = OidcProvider.in(Files.createTempDirectory("cxr-oidc-"))
                        .redirectUri("http://localhost:" + http + "/auth/login")
                        .postLogoutRedirectUri("http://localhost:" + http + "/")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty(ISSUER, provider.issuer());
            System.setProperty(KEYS, provider.keys().toString());
            return Map.of(
                    "quarkus.http.test-port", Integer.toString(http),
                    "quarkus.oidc.auth-server-url", provider.issuer(),
                    "mp.jwt.verify.publickey.location", provider.issuer() + "/jwks",
                    "mp.jwt.verify.issuer", provider.issuer(),
                    "quarkus.oidc-client.auth-server-url", provider.issuer());
        }

        @Override
        public void stop() {
            if (provider != null) {
                provider.close();
            }
        }
    }
}

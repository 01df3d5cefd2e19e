package org.cxrplatform.report.security;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * The worklist's sign-on with the hospital's OpenID provider (quarkus-oidc, authorization code
 * flow with PKCE): {@code GET /auth/login} starts it and comes back to the worklist; {@code GET
 * /auth/session} hands the page the signed-in user's access token, which it then sends to the API
 * as a bearer token like any other client. {@code /auth/logout} is quarkus-oidc's own (RP-initiated
 * logout at the provider).
 */
@Path("/auth")
public class SignOnResource {

    private static final Logger LOG = Logger.getLogger(SignOnResource.class);

    @Inject
    SecurityIdentity identity;

    @Inject
    JWTParser parser;

    @Inject
    DevKeys devKeys;

    @ConfigProperty(name = "quarkus.oidc.tenant-enabled")
    boolean signOn;

    /** What the worklist page shows: how to sign in, and the user once signed in. */
    public record Session(boolean signOn, boolean devAuth, String user, List<String> roles, String token) {}

    @GET
    @Path("/login")
    @Authenticated
    @Operation(summary = "Sign in with the OpenID provider (a browser is redirected there), then back to the worklist")
    public Response login() {
        return Response.seeOther(URI.create("/")).build();
    }

    @GET
    @Path("/session")
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The signed-in user and their access token (sign-on session cookie), or how to sign in")
    public Session session() {
        AccessTokenCredential access =
                identity.isAnonymous() ? null : identity.getCredential(AccessTokenCredential.class);
        if (access == null) {
            return new Session(signOn, devKeys.enabled(), null, List.of(), null);
        }
        try {
            // the API's own checks (issuer, signature, audience, roles claim): the page gets only a token the API takes
            JsonWebToken jwt = parser.parse(access.getToken());
            return new Session(
                    signOn, devKeys.enabled(), jwt.getName(), List.copyOf(jwt.getGroups()), access.getToken());
        } catch (ParseException e) {
            LOG.warnf("the signed-in user's access token is not one the API takes: %s", e.getMessage());
            return new Session(signOn, devKeys.enabled(), null, List.of(), null);
        }
    }
}

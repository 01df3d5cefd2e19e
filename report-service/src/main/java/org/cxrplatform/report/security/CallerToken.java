package org.cxrplatform.report.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.jwt.auth.cdi.NullJsonWebToken;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The {@link JsonWebToken} the resources inject: the bearer token SmallRye JWT verified for this
 * request. Needed because quarkus-oidc (there for the worklist's sign-on) brings its own producer,
 * of higher priority than SmallRye JWT's, which knows only the tokens quarkus-oidc verified itself
 * and would hand the resources an empty token (no name) for every API call.
 */
@ApplicationScoped
@Alternative
@Priority(10)
public class CallerToken {

    @Inject
    SecurityIdentity identity;

    @Produces
    @RequestScoped
    JsonWebToken caller() {
        return identity.getPrincipal() instanceof JsonWebToken jwt ? jwt : new NullJsonWebToken();
    }
}

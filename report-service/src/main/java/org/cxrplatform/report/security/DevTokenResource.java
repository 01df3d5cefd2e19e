package org.cxrplatform.report.security;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.cxrplatform.report.audit.AuditLog;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Local token issuer for development and the one-command local run: {@code POST /auth/dev-token}
 * with {@code {"user":"alice","roles":["radiologist"]}}. Answers 404 unless {@code cxr.report.dev-auth=true}.
 */
@Path("/auth")
public class DevTokenResource {

    private static final Set<String> KNOWN = Set.of(Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN);

    @Inject
    DevKeys keys;

    @Inject
    AuditLog audit;

    public record TokenRequest(String user, List<String> roles) {}

    public record TokenResponse(String token, String user, Set<String> roles, long expiresInSeconds) {}

    @POST
    @Path("/dev-token")
    @PermitAll
    @Transactional
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a signed development token (only when cxr.report.dev-auth=true)")
    public TokenResponse issue(TokenRequest request) {
        if (!keys.enabled()) {
            throw new NotFoundException();
        }
        if (request == null || request.user() == null || !request.user().matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new BadRequestException("user must be 1-64 characters of letters, digits, . _ @ -");
        }
        Set<String> roles = new LinkedHashSet<>(request.roles() == null ? List.of(Roles.VIEWER) : request.roles());
        if (!KNOWN.containsAll(roles)) {
            throw new BadRequestException("roles must be among " + KNOWN);
        }
        Duration lifetime = Duration.ofHours(8);
        String token = keys.issue(request.user(), roles, lifetime);
        audit.record(request.user(), "ISSUE_DEV_TOKEN", "user", request.user(), "roles=" + roles);
        return new TokenResponse(token, request.user(), roles, lifetime.toSeconds());
    }
}

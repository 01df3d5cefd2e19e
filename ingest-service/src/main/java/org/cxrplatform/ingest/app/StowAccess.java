package org.cxrplatform.ingest.app;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.cxrplatform.ingest.config.IngestConfig;
import org.jboss.logging.Logger;

/**
 * Decides whether the current STOW-RS caller may store: a valid bearer token carrying one of
 * {@code cxr.ingest.stow.roles}, or anyone with {@code cxr.ingest.stow.dev-auth=true}.
 * Authentication is lazy ({@code quarkus.http.auth.proactive=false}), so it happens here, before a
 * byte of the body is read, and its failure becomes a refusal with a reason instead of a bare 401.
 */
@ApplicationScoped
public class StowAccess {

    private static final Logger LOG = Logger.getLogger(StowAccess.class);

    /** Why a caller is refused; {@code challenge} is the WWW-Authenticate value of a 401. */
    public record Refusal(int status, String message, String challenge) {
    }

    private final IngestConfig.Stow config;
    private final CurrentIdentityAssociation identities;

    public StowAccess(IngestConfig config, CurrentIdentityAssociation identities) {
        this.config = config.stow();
        this.identities = identities;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.devAuth()) {
            LOG.warn("cxr.ingest.stow.dev-auth is on: STOW-RS accepts callers without a token (never in production)");
        } else {
            LOG.infof("STOW-RS requires a bearer token with one of the roles %s", config.roles());
        }
    }

    /** Empty when the current caller may store. Blocking (may verify the token). */
    public Optional<Refusal> check() {
        if (config.devAuth()) {
            return Optional.empty();
        }
        SecurityIdentity identity;
        try {
            identity = identities.getIdentity();
        } catch (AuthenticationFailedException e) {
            // The verifier's detail (expired, signature, issuer) goes to the log, not to the caller.
            LOG.infof("STOW-RS token refused: %s", reason(e));
            return Optional.of(new Refusal(401, "invalid or expired bearer token", "Bearer error=\"invalid_token\""));
        }
        if (identity == null || identity.isAnonymous()) {
            return Optional.of(new Refusal(401, "STOW-RS requires a bearer token (Authorization: Bearer ...)", "Bearer"));
        }
        if (config.roles().stream().noneMatch(identity::hasRole)) {
            return Optional.of(new Refusal(403, "caller " + identity.getPrincipal().getName()
                    + " has none of the roles " + config.roles() + " required for STOW-RS", null));
        }
        return Optional.empty();
    }

    private static String reason(Throwable e) {
        // SmallRye wraps the verifier's exception; the innermost message says what failed.
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return "verification failed";
        }
        // jose4j appends the token itself after "Additional details": a credential, kept out of the log.
        int details = m.indexOf(" Additional details");
        return details > 0 ? m.substring(0, details) : m;
    }
}

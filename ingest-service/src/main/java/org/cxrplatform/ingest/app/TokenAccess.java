package org.cxrplatform.ingest.app;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.Set;
import org.cxrplatform.ingest.config.IngestConfig;
import org.jboss.logging.Logger;

/**
 * Decides whether the current caller may use a REST endpoint: a valid bearer token (verified by
 * SmallRye JWT with the {@code mp.jwt.verify.*} settings report-service uses) carrying one of the
 * endpoint's roles, or anyone when the endpoint's dev-auth switch is on. STOW-RS takes
 * {@code cxr.ingest.stow.*}, backlog jobs {@code cxr.ingest.jobs.*}. Authentication is lazy
 * ({@code quarkus.http.auth.proactive=false}), so it happens here, before a byte of a body is read,
 * and its failure becomes a refusal with a reason instead of a bare 401.
 */
@ApplicationScoped
public class TokenAccess {

    private static final Logger LOG = Logger.getLogger(TokenAccess.class);

    /** Why a caller is refused; {@code challenge} is the WWW-Authenticate value of a 401. */
    public record Refusal(int status, String message, String challenge) {}

    private final IngestConfig.Stow stow;
    private final IngestConfig.Jobs jobs;
    private final CurrentIdentityAssociation identities;

    public TokenAccess(IngestConfig config, CurrentIdentityAssociation identities) {
        this.stow = config.stow();
        this.jobs = config.jobs();
        this.identities = identities;
    }

    void onStart(@Observes StartupEvent event) {
        announce("STOW-RS", "cxr.ingest.stow.dev-auth", stow.devAuth(), stow.roles());
        announce("/jobs", "cxr.ingest.jobs.dev-auth", jobs.devAuth(), jobs.roles());
    }

    /** Empty when the current caller may store over STOW-RS. Blocking (may verify the token). */
    public Optional<Refusal> stow() {
        return check("STOW-RS", stow.devAuth(), stow.roles());
    }

    /** Empty when the current caller may start or read backlog jobs. Blocking (may verify the token). */
    public Optional<Refusal> jobs() {
        return check("/jobs", jobs.devAuth(), jobs.roles());
    }

    private Optional<Refusal> check(String endpoint, boolean devAuth, Set<String> roles) {
        if (devAuth) {
            return Optional.empty();
        }
        SecurityIdentity identity;
        try {
            identity = identities.getIdentity();
        } catch (AuthenticationFailedException e) {
            // The verifier's detail (expired, signature, issuer) goes to the log, not to the caller.
            LOG.infof("%s token refused: %s", endpoint, reason(e));
            return Optional.of(new Refusal(401, "invalid or expired bearer token", "Bearer error=\"invalid_token\""));
        }
        if (identity == null || identity.isAnonymous()) {
            return Optional.of(
                    new Refusal(401, endpoint + " requires a bearer token (Authorization: Bearer ...)", "Bearer"));
        }
        if (roles.stream().noneMatch(identity::hasRole)) {
            return Optional.of(new Refusal(
                    403,
                    "caller " + identity.getPrincipal().getName() + " has none of the roles " + roles + " required for "
                            + endpoint,
                    null));
        }
        return Optional.empty();
    }

    private static void announce(String endpoint, String devAuthKey, boolean devAuth, Set<String> roles) {
        if (devAuth) {
            LOG.warnf("%s is on: %s accepts callers without a token (never in production)", devAuthKey, endpoint);
        } else {
            LOG.infof("%s requires a bearer token with one of the roles %s", endpoint, roles);
        }
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

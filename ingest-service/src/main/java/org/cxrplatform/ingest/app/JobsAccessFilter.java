package org.cxrplatform.ingest.app;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Refuses a {@link JobsAccess} request without an admitted token before its body is read, so a caller
 * without a token learns nothing from how a job request is validated: 401 (with
 * {@code WWW-Authenticate}) or 403, and {@code {"error": reason}} like every other /jobs error.
 * Runs on the worker thread of the (blocking) endpoint, where the token may be verified.
 */
@Provider
@JobsAccess
public class JobsAccessFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(JobsAccessFilter.class);

    private final TokenAccess access;

    public JobsAccessFilter(TokenAccess access) {
        this.access = access;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        access.jobs().ifPresent(r -> {
            LOG.infof(
                    "%s %s refused with HTTP %d: %s",
                    request.getMethod(), request.getUriInfo().getPath(), r.status(), r.message());
            Response.ResponseBuilder response = Response.status(r.status())
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", r.message()));
            request.abortWith(
                    (r.challenge() == null ? response : response.header("WWW-Authenticate", r.challenge())).build());
        });
    }
}

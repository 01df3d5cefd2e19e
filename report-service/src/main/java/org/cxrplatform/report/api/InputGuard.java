package org.cxrplatform.report.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;

/**
 * Refuses, before any resource or database sees them, request paths and query parameters that
 * contain control characters (NUL makes PostgreSQL fail with "invalid byte sequence for encoding
 * UTF8: 0x00", which used to surface as a 500) or that are longer than any id, accession or
 * filter we use: 400 with the reason. JSON bodies are checked by {@link Inputs} in the resources.
 */
@Provider
@PreMatching
public class InputGuard implements ContainerRequestFilter {

    /** Longest path segment or query value accepted (UIDs are ≤ 64, accessions ≤ 16, FHIR identifiers ≤ ~300). */
    public static final int MAX_PARAM = 512;

    @Override
    public void filter(ContainerRequestContext request) {
        String problem = null;
        for (PathSegment segment : request.getUriInfo().getPathSegments(true)) {
            problem = Inputs.problem("path segment", segment.getPath(), MAX_PARAM);
            if (problem != null) {
                break;
            }
        }
        if (problem == null) {
            MultivaluedMap<String, String> query = request.getUriInfo().getQueryParameters(true);
            outer:
            for (Map.Entry<String, List<String>> e : query.entrySet()) {
                problem = Inputs.problem("query parameter name", e.getKey(), 64);
                if (problem != null) {
                    break;
                }
                for (String v : e.getValue()) {
                    problem = Inputs.problem("query parameter " + Inputs.printable(e.getKey()), v, MAX_PARAM);
                    if (problem != null) {
                        break outer;
                    }
                }
            }
        }
        if (problem != null) {
            String path = request.getUriInfo().getPath();
            boolean fhir = path.startsWith("/fhir") || path.startsWith("fhir");
            request.abortWith(Response.status(400)
                    .type(fhir ? "application/fhir+json" : MediaType.APPLICATION_JSON)
                    .entity(fhir ? Inputs.operationOutcome(problem) : Map.of("error", problem))
                    .build());
        }
    }
}

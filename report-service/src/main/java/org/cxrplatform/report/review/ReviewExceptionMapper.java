package org.cxrplatform.report.review;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/** Answers review errors as {@code {"error": "..."}} with their status. */
@Provider
public class ReviewExceptionMapper implements ExceptionMapper<ReviewException> {
    @Override
    public Response toResponse(ReviewException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(Map.of("error", e.getMessage())).build();
    }
}

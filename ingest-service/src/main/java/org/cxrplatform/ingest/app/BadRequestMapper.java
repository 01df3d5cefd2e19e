package org.cxrplatform.ingest.app;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/** Invalid job requests (validated in {@code JobRequest}'s constructor) answer 400 with the reason. */
@Provider
public class BadRequestMapper implements ExceptionMapper<IllegalArgumentException> {
    @Override
    public Response toResponse(IllegalArgumentException e) {
        return Response.status(400)
                .entity(Map.of("error", String.valueOf(e.getMessage())))
                .build();
    }
}

package org.cxrplatform.ingest.app;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.cxrplatform.ingest.backlog.BacklogJob;
import org.cxrplatform.ingest.backlog.BacklogService;
import org.cxrplatform.ingest.backlog.JobRequest;

/**
 * Backlog pull jobs: {@code POST /jobs} with {@code {"from":"2024-01-01","to":"2024-12-31",
 * "modality":"CR","bodyPart":"CHEST"}} starts one (C-FIND, then rate-limited C-MOVE into the routine
 * lane); {@code GET /jobs/{id}} shows found / retrieved / queued / skipped / failed. Every method needs
 * a token with one of {@code cxr.ingest.jobs.roles} ({@link JobsAccess}).
 */
@Path("/jobs")
@JobsAccess
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    private final BacklogProducer backlog;

    public JobsResource(BacklogProducer backlog) {
        this.backlog = backlog;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JobRequest request) {
        if (request == null) {
            return Response.status(400).entity(Map.of("error", "body required")).build();
        }
        BacklogService service = backlog.service().orElse(null);
        if (service == null) {
            return Response.status(503)
                    .entity(
                            Map.of(
                                    "error",
                                    "no PACS configured (cxr.ingest.backlog.pacs-host, or protocol DICOMWEB with dicomweb-url)"))
                    .build();
        }
        BacklogJob.Progress p = service.submit(request);
        return Response.created(URI.create("/jobs/" + p.id())).entity(p).build();
    }

    @GET
    public List<BacklogJob.Progress> list() {
        return backlog.service().map(BacklogService::all).orElse(List.of());
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        return backlog.service()
                .flatMap(s -> s.progress(id))
                .map(p -> Response.ok(p).build())
                .orElse(Response.status(404)
                        .entity(Map.of("error", "no job " + id))
                        .build());
    }
}

package org.cxrplatform.report.review;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.report.api.ApiException;
import org.cxrplatform.report.security.Roles;
import org.cxrplatform.report.store.ReportStatus;
import org.cxrplatform.report.store.ReportStore;
import org.cxrplatform.report.store.ReportStore.ReportQuery;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The worklist and the radiologist's decisions. */
@Path("/api/reports")
@Produces(MediaType.APPLICATION_JSON)
public class ReportResource {

    @Inject
    ReportStore store;

    @Inject
    ReviewService review;

    @Inject
    JsonWebToken jwt;

    public record EditRequest(String text) {}

    public record RejectRequest(String reason) {}

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(
            summary =
                    "Reports in worklist order: unacknowledged critical alert, triage priority, STAT first, oldest first")
    public List<ReportView> list(
            @QueryParam("status") ReportStatus status,
            @QueryParam("lane") Lane lane,
            @QueryParam("priority") Integer priority,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit must be 1..1000");
        }
        return store.list(new ReportQuery(status, lane, priority, null, null, null, limit)).stream()
                .map(ReportView::of)
                .toList();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Operation(summary = "One report (the view is audited)")
    public ReportView get(@PathParam("id") String id) {
        return ReportView.of(review.view(id, jwt.getName()));
    }

    @GET
    @Path("/{id}/history")
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(summary = "Every status change of one report")
    public List<ReportStore.StatusChange> history(@PathParam("id") String id) {
        return store.history(store.find(id)
                .orElseThrow(() -> new ApiException(404, "no report " + id))
                .pk());
    }

    @Inject
    org.cxrplatform.report.image.ImageStore images;

    @Inject
    org.cxrplatform.report.audit.AuditLog audit;

    @GET
    @Path("/{id}/image")
    @Produces("image/png")
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(
            summary =
                    "The rendered study image the model read (8-bit greyscale PNG), while it is kept (the view is audited)")
    public jakarta.ws.rs.core.Response image(@PathParam("id") String id) {
        org.cxrplatform.report.store.StoredReport r =
                store.find(id).orElseThrow(() -> new ApiException(404, "no report " + id));
        byte[] png = images.find(r.sopInstanceUid(), r.studyInstanceUid())
                .orElseThrow(() -> new ApiException(404, "no image kept for report " + id));
        audit.record(jwt.getName(), "VIEW", "report", id, "image");
        return jakarta.ws.rs.core.Response.ok(png, "image/png")
                .header("Cache-Control", "private, no-store")
                .build();
    }

    @POST
    @Path("/{id}/accept")
    @RolesAllowed({Roles.RADIOLOGIST, Roles.ADMIN})
    @Operation(summary = "Sign the AI draft as written: the RIS gets a final result (OBR-25 F)")
    public ReportView accept(@PathParam("id") String id) {
        return ReportView.of(review.accept(id, jwt.getName()));
    }

    @POST
    @Path("/{id}/edit")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.RADIOLOGIST, Roles.ADMIN})
    @Operation(
            summary =
                    "Replace the text (findings are re-read) and sign: the RIS gets a final result (OBR-25 F), or a corrected one (C) if the report was already signed")
    public ReportView edit(@PathParam("id") String id, EditRequest request) {
        return ReportView.of(review.edit(id, jwt.getName(), request == null ? null : request.text()));
    }

    @POST
    @Path("/{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.RADIOLOGIST, Roles.ADMIN})
    @Operation(summary = "Reject the AI draft: the RIS gets it withdrawn (OBR-25 P, every OBX-11 W)")
    public ReportView reject(@PathParam("id") String id, RejectRequest request) {
        return ReportView.of(review.reject(id, jwt.getName(), request == null ? null : request.reason()));
    }
}

package org.cxrplatform.report.alert;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.cxrplatform.report.api.ApiException;
import org.cxrplatform.report.audit.AuditLog;
import org.cxrplatform.report.security.Roles;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Critical alerts for the top of the worklist, and their acknowledgement. */
@Path("/api/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {

    @Inject
    AlertStore alerts;

    @Inject
    AuditLog audit;

    @Inject
    JsonWebToken jwt;

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(summary = "Alerts, unacknowledged first; ?acknowledged=false for the open ones")
    public List<AlertStore.StoredAlert> list(
            @QueryParam("acknowledged") Boolean acknowledged, @QueryParam("limit") @DefaultValue("100") int limit) {
        List<AlertStore.StoredAlert> found = alerts.list(acknowledged, Math.max(1, Math.min(limit, 1000)));
        audit.alertsListed(
                jwt.getName(),
                found.stream().map(AlertStore.StoredAlert::alertId).toList(),
                found.stream().map(AlertStore.StoredAlert::studyInstanceUid).toList(),
                "GET /api/alerts");
        return found;
    }

    @POST
    @Path("/{id}/acknowledge")
    @RolesAllowed({Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(summary = "Acknowledge a critical alert (who and when are kept)")
    public AlertStore.StoredAlert acknowledge(@PathParam("id") String id) {
        AlertStore.StoredAlert a = alerts.find(id).orElseThrow(() -> new ApiException(404, "no alert " + id));
        if (!alerts.acknowledge(id, jwt.getName())) {
            throw new ApiException(409, "alert " + id + " was already acknowledged by " + a.acknowledgedBy());
        }
        audit.alertAcknowledged(
                jwt.getName(), id, a.reportId(), a.studyInstanceUid(), a.finding() + " in " + a.studyInstanceUid());
        return alerts.find(id).orElseThrow();
    }
}

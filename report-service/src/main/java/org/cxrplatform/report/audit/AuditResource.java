package org.cxrplatform.report.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.cxrplatform.report.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The audit log, newest first (admins only). */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditLog audit;

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    @Operation(summary = "Audit entries, optionally for one target (?targetType=report&targetId=...)")
    public List<AuditLog.Entry> list(
            @QueryParam("targetType") String targetType,
            @QueryParam("targetId") String targetId,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        return audit.list(targetType, targetId, limit);
    }
}

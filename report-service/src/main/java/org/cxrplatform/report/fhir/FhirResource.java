package org.cxrplatform.report.fhir;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.cxrplatform.report.audit.AuditLog;
import org.cxrplatform.report.security.Roles;
import org.cxrplatform.report.store.ReportStore;
import org.cxrplatform.report.store.ReportStore.ReportQuery;
import org.cxrplatform.report.store.StoredReport;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Read-only FHIR R4 endpoint: {@code GET /fhir/DiagnosticReport/{id}} and
 * {@code GET /fhir/DiagnosticReport?_id=|identifier=[system|]value|subject=[Patient/]id}.
 * Identifiers match the report id or the accession number.
 */
@Path("/fhir/DiagnosticReport")
@Produces(FhirResource.FHIR_JSON)
public class FhirResource {

    public static final String FHIR_JSON = "application/fhir+json";

    @Inject
    ReportStore store;

    @Inject
    AuditLog audit;

    @Inject
    JsonWebToken jwt;

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(summary = "One DiagnosticReport with its finding Observations (contained)")
    public Response read(@PathParam("id") String id) {
        return store.find(id)
                .map(r -> {
                    audit.reportRead(jwt.getName(), r, "FHIR");
                    return Response.ok(FhirMapper.json(FhirMapper.diagnosticReport(r)))
                            .build();
                })
                .orElseGet(() -> outcome(404, "DiagnosticReport/" + id + " is not known"));
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(summary = "Search by _id, identifier ([system|]value: report id or accession) or subject (patient id)")
    public Response search(
            @QueryParam("_id") String id,
            @QueryParam("identifier") String identifier,
            @QueryParam("subject") String subject,
            @Context UriInfo uri) {
        List<StoredReport> found;
        if (id != null) {
            found = store.find(id).map(List::of).orElse(List.of());
        } else if (identifier != null) {
            int bar = identifier.indexOf('|');
            String system = bar < 0 ? null : identifier.substring(0, bar);
            String value = bar < 0 ? identifier : identifier.substring(bar + 1);
            if (FhirMapper.REPORT_ID_SYSTEM.equals(system) || system == null) {
                found = store.find(value).map(List::of).orElse(List.of());
                if (found.isEmpty() && system == null) {
                    found = store.list(new ReportQuery(null, null, null, null, value, null, 200));
                }
            } else if (FhirMapper.ACCESSION_SYSTEM.equals(system)) {
                found = store.list(new ReportQuery(null, null, null, null, value, null, 200));
            } else {
                found = List.of();
            }
        } else if (subject != null) {
            found = store.list(
                    new ReportQuery(null, null, null, null, null, subject.replaceFirst("^Patient/", ""), 200));
        } else {
            return outcome(400, "search needs _id, identifier or subject");
        }
        audit.reportsListed(
                jwt.getName(),
                found,
                "GET /fhir/DiagnosticReport",
                uri.getRequestUri().getRawQuery());
        return Response.ok(FhirMapper.json(
                        FhirMapper.searchSet(found, uri.getRequestUri().toString())))
                .build();
    }

    private static Response outcome(int status, String message) {
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(status == 404 ? OperationOutcome.IssueType.NOTFOUND : OperationOutcome.IssueType.INVALID)
                .setDiagnostics(message);
        return Response.status(status)
                .type(FHIR_JSON)
                .entity(FhirMapper.json(oo))
                .build();
    }
}

package org.cxrplatform.report.review;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.report.security.Roles;
import org.cxrplatform.report.store.ReportStatus;
import org.cxrplatform.report.store.ReportStore;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The platform's version of the paper's 72.7 %: how often radiologists accept the AI draft as written. */
@Path("/api/quality")
@Produces(MediaType.APPLICATION_JSON)
public class QualityResource {

    @Inject
    ReportStore store;

    /**
     * @param acceptanceRate accepted / (accepted + edited + rejected), null before the first decision
     */
    public record Acceptance(
            String modelVersion,
            long accepted,
            long edited,
            long rejected,
            long pending,
            Double acceptanceRate,
            Double editRate,
            Double rejectionRate) {}

    @Inject
    org.cxrplatform.report.quality.QualityService quality;

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(
            summary =
                    "Live quality per model version and per ISO week: acceptance rate and F1 per finding of the AI draft's "
                            + "findings against the signed final report's (positive = PRESENT, uncertain = negative), macro F1 over the paper's six and all seven")
    public org.cxrplatform.report.quality.QualityService.Quality quality() {
        return quality.compute();
    }

    @GET
    @Path("/acceptance")
    @RolesAllowed({Roles.VIEWER, Roles.RADIOLOGIST, Roles.ADMIN})
    @Transactional
    @Operation(summary = "Acceptance rate (accepted as written / edited / rejected) per model version")
    public List<Acceptance> acceptance() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (ReportStore.StatusCount c : store.countByModelAndStatus()) {
            counts.computeIfAbsent(c.modelVersion(), k -> new long[ReportStatus.values().length])[
                            c.status().ordinal()] =
                    c.count();
        }
        List<Acceptance> out = new ArrayList<>();
        counts.forEach((model, n) -> {
            long accepted = n[ReportStatus.ACCEPTED.ordinal()];
            long edited = n[ReportStatus.EDITED.ordinal()];
            long rejected = n[ReportStatus.REJECTED.ordinal()];
            long decided = accepted + edited + rejected;
            out.add(new Acceptance(
                    model,
                    accepted,
                    edited,
                    rejected,
                    n[ReportStatus.DRAFT.ordinal()],
                    decided == 0 ? null : (double) accepted / decided,
                    decided == 0 ? null : (double) edited / decided,
                    decided == 0 ? null : (double) rejected / decided));
        });
        return out;
    }
}

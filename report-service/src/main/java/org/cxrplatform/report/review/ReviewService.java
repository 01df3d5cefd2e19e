package org.cxrplatform.report.review;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.api.ApiException;
import org.cxrplatform.report.api.Inputs;
import org.cxrplatform.report.audit.AuditLog;
import org.cxrplatform.report.store.ReportExporter;
import org.cxrplatform.report.store.ReportStatus;
import org.cxrplatform.report.store.ReportStore;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.report.store.StoredReport;

/**
 * The radiologist's decisions. Each one, in one transaction: locks the report, checks the
 * transition, writes the new status and its history entry, queues the RIS/PACS/FHIR messages
 * (final for the first signature, accepted or edited; corrected for a later edit; withdrawn for
 * reject) and the audit entry.
 *
 * <p>Transitions: DRAFT → ACCEPTED | EDITED | REJECTED; ACCEPTED | EDITED → EDITED (a later correction).
 */
@ApplicationScoped
public class ReviewService {

    @Inject
    ReportStore store;

    @Inject
    Instance<ReportExporter> exporters;

    @Inject
    FindingsExtraction extraction;

    @Inject
    AuditLog audit;

    @Transactional
    public StoredReport view(String reportId, String actor) {
        StoredReport r = store.find(reportId).orElseThrow(() -> notFound(reportId));
        audit.reportRead(actor, r, "report");
        return r;
    }

    @Transactional
    public StoredReport accept(String reportId, String actor) {
        StoredReport r = lock(reportId, EnumSet.of(ReportStatus.DRAFT), "accepted");
        StoredReport updated = store.updateReview(r.pk(), ReportStatus.ACCEPTED, r.text(), r.findings(), actor);
        return finish(r, updated, ResultStatus.FINAL, actor, "accepted as written", "SIGN");
    }

    @Transactional
    public StoredReport edit(String reportId, String actor, String text) {
        if (text == null || text.isBlank()) {
            throw new ApiException(400, "an edit needs the new report text");
        }
        Inputs.require("text", text, Inputs.MAX_TEXT);
        StoredReport r =
                lock(reportId, EnumSet.of(ReportStatus.DRAFT, ReportStatus.ACCEPTED, ReportStatus.EDITED), "edited");
        Map<Finding, FindingState> findings = extraction.extract(text);
        StoredReport updated = store.updateReview(r.pk(), ReportStatus.EDITED, text, findings, actor);
        // C only corrects a final the RIS already has; an edited draft's first signature is the final
        ResultStatus result = r.signedBefore() ? ResultStatus.CORRECTED : ResultStatus.FINAL;
        return finish(r, updated, result, actor, "edited and signed", "EDIT");
    }

    @Transactional
    public StoredReport reject(String reportId, String actor, String reason) {
        Inputs.require("reason", reason, Inputs.MAX_SHORT);
        StoredReport r = lock(reportId, EnumSet.of(ReportStatus.DRAFT), "rejected");
        StoredReport updated = store.updateReview(r.pk(), ReportStatus.REJECTED, r.text(), r.findings(), actor);
        return finish(
                r,
                updated,
                ResultStatus.WITHDRAWN,
                actor,
                reason == null || reason.isBlank() ? "rejected" : "rejected: " + reason,
                "REJECT");
    }

    private StoredReport lock(String reportId, Set<ReportStatus> allowed, String verb) {
        StoredReport r = store.lock(reportId).orElseThrow(() -> notFound(reportId));
        if (!allowed.contains(r.status())) {
            throw new ApiException(
                    409,
                    "report " + reportId + " is " + r.status() + " and cannot be " + verb + " (allowed from " + allowed
                            + ")");
        }
        return r;
    }

    private StoredReport finish(
            StoredReport before, StoredReport after, ResultStatus result, String actor, String note, String action) {
        store.addHistory(after.pk(), before.status(), after.status(), actor, note);
        Instant now = Instant.now();
        exporters.forEach(e -> e.enqueue(after, result, actor, now));
        audit.reportChanged(actor, action, after, note);
        return after;
    }

    private static ApiException notFound(String reportId) {
        return new ApiException(404, "no report " + reportId);
    }
}

package org.cxrplatform.report.review;

import java.time.Instant;
import java.util.Map;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.Timings;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.store.ReportStatus;
import org.cxrplatform.report.store.StoredReport;

/** A report as the REST API shows it. */
public record ReportView(
        String id,
        String studyInstanceUid,
        String sopInstanceUid,
        String accessionNumber,
        Lane lane,
        int triagePriority,
        ReportStatus status,
        String text,
        Map<Finding, FindingState> findings,
        String aiText,
        Map<Finding, FindingState> aiFindings,
        String modelVersion,
        ModelIdentity model,
        Patient patient,
        Timings timings,
        Instant createdAt,
        Instant updatedAt,
        String reviewedBy,
        Instant reviewedAt) {

    public static ReportView of(StoredReport r) {
        return new ReportView(
                r.reportId(),
                r.studyInstanceUid(),
                r.sopInstanceUid(),
                r.accessionNumber(),
                r.lane(),
                r.triagePriority(),
                r.status(),
                r.text(),
                r.findings(),
                r.aiText(),
                r.aiFindings(),
                r.modelVersion(),
                r.model(),
                r.patient(),
                r.timings(),
                r.createdAt(),
                r.updatedAt(),
                r.reviewedBy(),
                r.reviewedAt());
    }
}

package org.cxrplatform.report.store;

import java.time.Instant;
import java.util.Map;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.Timings;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * One row of {@code report}: the AI draft as generated plus its current (reviewed) form.
 * {@code signatures} counts the radiologist's signatures (accept, edit of a draft or of a signed report).
 */
public record StoredReport(
        long pk,
        String reportId,
        String studyInstanceUid,
        String sopInstanceUid,
        String accessionNumber,
        String modelVersion,
        ModelIdentity model,
        Lane lane,
        int triagePriority,
        String aiText,
        Map<Finding, FindingState> aiFindings,
        String text,
        Map<Finding, FindingState> findings,
        ReportStatus status,
        Patient patient,
        SourceStudy source,
        Timings timings,
        String orderKey,
        Instant createdAt,
        Instant updatedAt,
        String reviewedBy,
        Instant reviewedAt,
        int signatures) {

    /** Whether a final result was already sent: a further signature is then a correction. */
    public boolean signedBefore() {
        return signatures > 0;
    }

    /** Its messages go first across patients: a STAT or triage-priority-1 report. */
    public boolean urgent() {
        return lane == Lane.STAT || triagePriority == 1;
    }
}

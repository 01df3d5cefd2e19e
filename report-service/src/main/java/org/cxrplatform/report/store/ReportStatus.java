package org.cxrplatform.report.store;

/** Life of a report: the AI draft, then exactly one radiologist decision (an accepted or edited report can still be corrected by an edit). */
public enum ReportStatus {
    DRAFT,
    ACCEPTED,
    EDITED,
    REJECTED
}

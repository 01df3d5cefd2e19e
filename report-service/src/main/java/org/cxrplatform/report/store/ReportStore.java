package org.cxrplatform.report.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.Where;
import org.cxrplatform.report.api.Inputs;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Access to {@code report} and {@code report_status_history}. Callers hold the transaction
 * ({@code @Transactional}); every method joins it.
 */
@ApplicationScoped
public class ReportStore {

    /** Named as {@link StoredReport}'s components (snake case); the JSON columns are read by {@link JsonColumns}. */
    private static final String COLUMNS =
            "id AS pk, report_id, study_instance_uid, sop_instance_uid, accession_number, model_version,"
                    + " model, lane, triage_priority, ai_text, ai_findings, text, findings, status, patient, source, timings, order_key,"
                    + " created_at, updated_at, reviewed_by, reviewed_at, signatures";

    private static final RowMapper<StoredReport> REPORT = ConstructorMapper.of(StoredReport.class);
    private static final RowMapper<StatusChange> CHANGE = ConstructorMapper.of(StatusChange.class);
    private static final RowMapper<StatusCount> COUNT = ConstructorMapper.of(StatusCount.class);

    @Inject
    Jdbi jdbi;

    /**
     * Inserts the draft unless this study already has a report of this model version.
     *
     * @return the new row, or empty when the event was a re-delivery (nothing was changed)
     */
    public Optional<StoredReport> insertDraft(ReportEvent event, int triagePriority, String orderKey) {
        String sql =
                "INSERT INTO report (report_id, study_instance_uid, sop_instance_uid, accession_number, model_version, model, lane,"
                        + " triage_priority, ai_text, ai_findings, text, findings, status, patient, source, timings, order_key)"
                        + " VALUES (:reportId, :studyInstanceUid, :sopInstanceUid, :accessionNumber, :modelVersion, CAST(:model AS jsonb), :lane,"
                        + " :triagePriority, :text, CAST(:findings AS jsonb), :text, CAST(:findings AS jsonb), 'DRAFT', CAST(:patient AS jsonb),"
                        + " CAST(:source AS jsonb), CAST(:timings AS jsonb), :orderKey)"
                        + " ON CONFLICT DO NOTHING RETURNING " + COLUMNS;
        return jdbi.withHandle(h -> h.createQuery(sql)
                .bind("reportId", event.reportId())
                .bind("studyInstanceUid", event.studyInstanceUid())
                .bind("sopInstanceUid", event.sopInstanceUid())
                .bind("accessionNumber", event.accessionNumber())
                .bind("modelVersion", event.model().version())
                .bind("model", Json.write(event.model()))
                .bind("lane", event.lane())
                .bind("triagePriority", triagePriority)
                // PostgreSQL cannot store U+0000 in text (the tiny model can generate it): strip it and the
                // other C0 controls except tab/CR/LF; every other character is kept exactly.
                .bind("text", Inputs.stripControls(event.text()))
                .bind("findings", Json.write(Json.complete(event.findings())))
                .bind("patient", Json.write(event.patient()))
                .bind("source", Json.write(event.source()))
                .bind("timings", Json.write(event.timings()))
                .bind("orderKey", orderKey)
                .map(REPORT)
                .findOne());
    }

    public Optional<StoredReport> find(String reportId) {
        return byReportId(reportId, "");
    }

    /** The report an outbox entry belongs to (by its row id). */
    public Optional<StoredReport> findByPk(long pk) {
        return one("id = :key", pk);
    }

    /** Reads and row-locks a report for a status change. */
    public Optional<StoredReport> lock(String reportId) {
        return byReportId(reportId, " FOR UPDATE");
    }

    /**
     * The worklist order: reports with an unacknowledged critical alert first, then triage
     * priority (1 = critical), then STAT before ROUTINE, then oldest first.
     */
    public List<StoredReport> list(ReportQuery q) {
        Where where = new Where()
                .equal("r.status", "status", q.status())
                .equal("r.lane", "lane", q.lane())
                .equal("r.triage_priority", "priority", q.priority())
                .equal("r.study_instance_uid", "studyInstanceUid", q.studyInstanceUid())
                .equal("r.accession_number", "accessionNumber", q.accessionNumber())
                .equal("r.patient ->> 'id'", "patientId", q.patientId());
        String sql = "SELECT " + COLUMNS + " FROM report r" + where + " ORDER BY EXISTS (SELECT 1 FROM critical_alert a"
                + " WHERE a.study_instance_uid = r.study_instance_uid AND a.acknowledged_at IS NULL) DESC, r.triage_priority,"
                + " (r.lane = 'STAT') DESC, r.created_at, r.id LIMIT :limit";
        return jdbi.withHandle(h -> h.createQuery(sql)
                .bindMap(where.args())
                .bind("limit", q.limit())
                .map(REPORT)
                .list());
    }

    /** Applies a reviewed status (and, for edits, the new text and findings); accepting or editing counts a signature. */
    public StoredReport updateReview(
            long pk, ReportStatus status, String text, Map<Finding, FindingState> findings, String actor) {
        String sql =
                "UPDATE report SET status = :status, text = :text, findings = CAST(:findings AS jsonb), reviewed_by = :actor,"
                        + " reviewed_at = now(), updated_at = now(), signatures = signatures + CASE WHEN :signed THEN 1 ELSE 0 END"
                        + " WHERE id = :pk RETURNING " + COLUMNS;
        return jdbi.withHandle(h -> h.createQuery(sql)
                .bind("status", status)
                .bind("text", text)
                .bind("findings", Json.write(Json.complete(findings)))
                .bind("actor", actor)
                .bind("signed", status == ReportStatus.ACCEPTED || status == ReportStatus.EDITED)
                .bind("pk", pk)
                .map(REPORT)
                .one());
    }

    public void addHistory(long reportPk, ReportStatus from, ReportStatus to, String actor, String note) {
        jdbi.useHandle(
                h -> h.createUpdate("INSERT INTO report_status_history (report_pk, from_status, to_status, actor, note)"
                                + " VALUES (:reportPk, :from, :to, :actor, :note)")
                        .bind("reportPk", reportPk)
                        .bind("from", from)
                        .bind("to", to)
                        .bind("actor", actor)
                        .bind("note", note)
                        .execute());
    }

    public List<StatusChange> history(long reportPk) {
        return jdbi.withHandle(h -> h.createQuery("SELECT from_status AS \"from\", to_status AS \"to\", actor, note, at"
                        + " FROM report_status_history WHERE report_pk = :reportPk ORDER BY id")
                .bind("reportPk", reportPk)
                .map(CHANGE)
                .list());
    }

    /** Counts per model version and status, for the acceptance rate. */
    public List<StatusCount> countByModelAndStatus() {
        return jdbi.withHandle(h -> h.createQuery("SELECT model_version, status, count(*) AS count FROM report"
                        + " GROUP BY model_version, status ORDER BY model_version, status")
                .map(COUNT)
                .list());
    }

    private Optional<StoredReport> byReportId(String reportId, String lock) {
        if (!Inputs.isReportId(reportId)) {
            return Optional.empty(); // not a report id (32 hex digits): nothing to ask the database
        }
        return one("report_id = :key" + lock, reportId);
    }

    /** The report {@code condition} selects, {@code :key} bound to {@code key}. */
    private Optional<StoredReport> one(String condition, Object key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM report WHERE " + condition)
                .bind("key", key)
                .map(REPORT)
                .findOne());
    }

    public record ReportQuery(
            ReportStatus status,
            Lane lane,
            Integer priority,
            String studyInstanceUid,
            String accessionNumber,
            String patientId,
            int limit) {
        public static ReportQuery all(int limit) {
            return new ReportQuery(null, null, null, null, null, null, limit);
        }
    }

    public record StatusChange(ReportStatus from, ReportStatus to, String actor, String note, Instant at) {}

    public record StatusCount(String modelVersion, ReportStatus status, long count) {}
}

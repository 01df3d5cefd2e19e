package org.cxrplatform.report.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.Timings;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * JDBC access to {@code report} and {@code report_status_history}. Callers hold the transaction
 * ({@code @Transactional}); every method joins it.
 */
@ApplicationScoped
public class ReportStore {

    private static final String COLUMNS = "id, report_id, study_instance_uid, sop_instance_uid, accession_number, model_version, model,"
            + " lane, triage_priority, ai_text, ai_findings, text, findings, status, patient, timings, order_key, created_at, updated_at,"
            + " reviewed_by, reviewed_at";

    @Inject
    AgroalDataSource dataSource;

    /**
     * Inserts the draft unless this study already has a report of this model version.
     *
     * @return the new row, or empty when the event was a re-delivery (nothing was changed)
     */
    public Optional<StoredReport> insertDraft(ReportEvent event, int triagePriority, String orderKey) {
        String sql = "INSERT INTO report (report_id, study_instance_uid, sop_instance_uid, accession_number, model_version, model, lane,"
                + " triage_priority, ai_text, ai_findings, text, findings, status, patient, timings, order_key)"
                + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?::jsonb, 'DRAFT', ?::jsonb, ?::jsonb, ?)"
                + " ON CONFLICT DO NOTHING RETURNING " + COLUMNS;
        String findings = Json.write(Json.complete(event.findings()));
        // PostgreSQL cannot store U+0000 in text (the tiny model can generate it): strip it and the
        // other C0 controls except tab/CR/LF; every other character is kept exactly.
        String text = org.cxrplatform.report.api.Inputs.stripControls(event.text());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, event.reportId());
            ps.setString(i++, event.studyInstanceUid());
            ps.setString(i++, event.sopInstanceUid());
            ps.setString(i++, event.accessionNumber());
            ps.setString(i++, event.model().version());
            ps.setString(i++, Json.write(event.model()));
            ps.setString(i++, event.lane().name());
            ps.setInt(i++, triagePriority);
            ps.setString(i++, text);
            ps.setString(i++, findings);
            ps.setString(i++, text);
            ps.setString(i++, findings);
            ps.setString(i++, Json.write(event.patient()));
            ps.setString(i++, Json.write(event.timings()));
            ps.setString(i, orderKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot insert report " + event.reportId(), e);
        }
    }

    public Optional<StoredReport> find(String reportId) {
        return one("SELECT " + COLUMNS + " FROM report WHERE report_id = ?", reportId);
    }

    /** Reads and row-locks a report for a status change. */
    public Optional<StoredReport> lock(String reportId) {
        return one("SELECT " + COLUMNS + " FROM report WHERE report_id = ? FOR UPDATE", reportId);
    }

    /**
     * The worklist order: reports with an unacknowledged critical alert first, then triage
     * priority (1 = critical), then STAT before ROUTINE, then oldest first.
     */
    public List<StoredReport> list(ReportQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS.replaceAll("(^|, )([a-z_]+)", "$1r.$2")
                + " FROM report r WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.status() != null) {
            sql.append(" AND r.status = ?");
            args.add(q.status().name());
        }
        if (q.lane() != null) {
            sql.append(" AND r.lane = ?");
            args.add(q.lane().name());
        }
        if (q.priority() != null) {
            sql.append(" AND r.triage_priority = ?");
            args.add(q.priority());
        }
        if (q.studyInstanceUid() != null) {
            sql.append(" AND r.study_instance_uid = ?");
            args.add(q.studyInstanceUid());
        }
        if (q.accessionNumber() != null) {
            sql.append(" AND r.accession_number = ?");
            args.add(q.accessionNumber());
        }
        if (q.patientId() != null) {
            sql.append(" AND r.patient ->> 'id' = ?");
            args.add(q.patientId());
        }
        sql.append(" ORDER BY EXISTS (SELECT 1 FROM critical_alert a WHERE a.study_instance_uid = r.study_instance_uid"
                + " AND a.acknowledged_at IS NULL) DESC, r.triage_priority, (r.lane = 'STAT') DESC, r.created_at, r.id LIMIT ?");
        args.add(q.limit());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<StoredReport> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list reports", e);
        }
    }

    /** Applies a reviewed status (and, for edits, the new text and findings). */
    public StoredReport updateReview(long pk, ReportStatus status, String text, Map<Finding, FindingState> findings, String actor) {
        String sql = "UPDATE report SET status = ?, text = ?, findings = ?::jsonb, reviewed_by = ?, reviewed_at = now(), updated_at = now()"
                + " WHERE id = ? RETURNING " + COLUMNS;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, status.name());
            ps.setString(2, text);
            ps.setString(3, Json.write(Json.complete(findings)));
            ps.setString(4, actor);
            ps.setLong(5, pk);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return map(rs);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot update report " + pk, e);
        }
    }

    public void addHistory(long reportPk, ReportStatus from, ReportStatus to, String actor, String note) {
        String sql = "INSERT INTO report_status_history (report_pk, from_status, to_status, actor, note) VALUES (?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, reportPk);
            ps.setString(2, from == null ? null : from.name());
            ps.setString(3, to.name());
            ps.setString(4, actor);
            ps.setString(5, note);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot write history of report " + reportPk, e);
        }
    }

    public List<StatusChange> history(long reportPk) {
        String sql = "SELECT from_status, to_status, actor, note, at FROM report_status_history WHERE report_pk = ? ORDER BY id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, reportPk);
            List<StatusChange> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String from = rs.getString(1);
                    out.add(new StatusChange(from == null ? null : ReportStatus.valueOf(from), ReportStatus.valueOf(rs.getString(2)),
                            rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read history of report " + reportPk, e);
        }
    }

    /** Counts per model version and status, for the acceptance rate. */
    public List<StatusCount> countByModelAndStatus() {
        String sql = "SELECT model_version, status, count(*) FROM report GROUP BY model_version, status ORDER BY model_version, status";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            List<StatusCount> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new StatusCount(rs.getString(1), ReportStatus.valueOf(rs.getString(2)), rs.getLong(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot count reports", e);
        }
    }

    private Optional<StoredReport> one(String sql, String arg) {
        if (!org.cxrplatform.report.api.Inputs.isReportId(arg)) {
            return Optional.empty(); // not a report id (32 hex digits): nothing to ask the database
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read report " + arg, e);
        }
    }

    private static StoredReport map(ResultSet rs) throws SQLException {
        return new StoredReport(
                rs.getLong("id"),
                rs.getString("report_id"),
                rs.getString("study_instance_uid"),
                rs.getString("sop_instance_uid"),
                rs.getString("accession_number"),
                rs.getString("model_version"),
                Json.read(rs.getString("model"), ModelIdentity.class),
                Lane.valueOf(rs.getString("lane")),
                rs.getInt("triage_priority"),
                rs.getString("ai_text"),
                Json.readFindings(rs.getString("ai_findings")),
                rs.getString("text"),
                Json.readFindings(rs.getString("findings")),
                ReportStatus.valueOf(rs.getString("status")),
                Json.read(rs.getString("patient"), Patient.class),
                Json.read(rs.getString("timings"), Timings.class),
                rs.getString("order_key"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")),
                rs.getString("reviewed_by"),
                instant(rs.getTimestamp("reviewed_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    public record ReportQuery(ReportStatus status, Lane lane, Integer priority, String studyInstanceUid, String accessionNumber,
                              String patientId, int limit) {
        public static ReportQuery all(int limit) {
            return new ReportQuery(null, null, null, null, null, null, limit);
        }
    }

    public record StatusChange(ReportStatus from, ReportStatus to, String actor, String note, Instant at) {
    }

    public record StatusCount(String modelVersion, ReportStatus status, long count) {
    }
}

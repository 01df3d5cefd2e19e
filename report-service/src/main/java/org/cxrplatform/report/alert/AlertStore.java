package org.cxrplatform.report.alert;

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
import java.util.Optional;
import org.cxrplatform.contracts.CriticalAlert;
import org.cxrplatform.report.store.StoreException;

/** JDBC access to {@code critical_alert}; joins the caller's transaction. */
@ApplicationScoped
public class AlertStore {

    private static final String COLUMNS = "alert_id, report_id, study_instance_uid, accession_number, lane, finding, state, excerpt,"
            + " model_version, raised_at, received_at, acknowledged_by, acknowledged_at";

    @Inject
    AgroalDataSource dataSource;

    /** @return true when the alert is new, false for a re-delivery (nothing changed) */
    public boolean insert(CriticalAlert a) {
        String sql = "INSERT INTO critical_alert (alert_id, report_id, study_instance_uid, accession_number, lane, finding, state, excerpt,"
                + " model_version, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, a.alertId());
            ps.setString(2, a.reportId());
            ps.setString(3, a.studyInstanceUid());
            ps.setString(4, a.accessionNumber());
            ps.setString(5, a.lane() == null ? null : a.lane().name());
            ps.setString(6, a.finding().name());
            ps.setString(7, a.state() == null ? null : a.state().name());
            ps.setString(8, a.excerpt());
            ps.setString(9, a.model() == null ? null : a.model().version());
            ps.setTimestamp(10, a.raisedAt() == null ? null : Timestamp.from(a.raisedAt()));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot store alert " + a.alertId(), e);
        }
    }

    public Optional<StoredAlert> find(String alertId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM critical_alert WHERE alert_id = ?")) {
            ps.setString(1, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read alert " + alertId, e);
        }
    }

    /** Unacknowledged first, newest first. */
    public List<StoredAlert> list(Boolean acknowledged, int limit) {
        String where = acknowledged == null ? "" : acknowledged ? " WHERE acknowledged_at IS NOT NULL" : " WHERE acknowledged_at IS NULL";
        String sql = "SELECT " + COLUMNS + " FROM critical_alert" + where
                + " ORDER BY (acknowledged_at IS NULL) DESC, received_at DESC LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            List<StoredAlert> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list alerts", e);
        }
    }

    /** @return false when it was already acknowledged */
    public boolean acknowledge(String alertId, String actor) {
        String sql = "UPDATE critical_alert SET acknowledged_by = ?, acknowledged_at = now() WHERE alert_id = ? AND acknowledged_at IS NULL";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, actor);
            ps.setString(2, alertId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot acknowledge alert " + alertId, e);
        }
    }

    private static StoredAlert map(ResultSet rs) throws SQLException {
        return new StoredAlert(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)),
                rs.getString(12), instant(rs.getTimestamp(13)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    public record StoredAlert(String alertId, String reportId, String studyInstanceUid, String accessionNumber, String lane,
                              String finding, String state, String excerpt, String modelVersion, Instant raisedAt, Instant receivedAt,
                              String acknowledgedBy, Instant acknowledgedAt) {
    }
}

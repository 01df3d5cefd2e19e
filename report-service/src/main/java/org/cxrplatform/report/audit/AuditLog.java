package org.cxrplatform.report.audit;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cxrplatform.report.store.StoreException;

/**
 * Who viewed, edited, signed, rejected, re-sent or acknowledged what, and when. Rows are only
 * ever inserted; the database refuses UPDATE, DELETE and TRUNCATE (trigger in V1). Joins the
 * caller's transaction, so an action and its audit entry commit together.
 */
@ApplicationScoped
public class AuditLog {

    @Inject
    AgroalDataSource dataSource;

    public void record(String actor, String action, String targetType, String targetId, String detail) {
        String sql = "INSERT INTO audit_log (actor, action, target_type, target_id, detail) VALUES (?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, actor);
            ps.setString(2, action);
            ps.setString(3, targetType);
            ps.setString(4, targetId);
            ps.setString(5, detail);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot write audit entry " + action + " " + targetType + "/" + targetId, e);
        }
    }

    public List<Entry> list(String targetType, String targetId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, target_type, target_id, detail FROM audit_log WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        if (targetType != null) {
            sql.append(" AND target_type = ?");
            args.add(targetType);
        }
        if (targetId != null) {
            sql.append(" AND target_id = ?");
            args.add(targetId);
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(Math.max(1, Math.min(limit, 1000)));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read audit log", e);
        }
    }

    public record Entry(long id, Instant at, String actor, String action, String targetType, String targetId, String detail) {
    }
}

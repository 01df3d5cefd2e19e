package org.cxrplatform.report.outbox;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
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
import org.cxrplatform.report.store.StoreException;

/** JDBC access to the {@code outbox} table; joins the caller's transaction. */
@ApplicationScoped
public class OutboxRepository {

    private static final String COLUMNS = "id, kind, destination, order_key, report_pk, alert_id, summary, message_id, payload, status,"
            + " attempts, next_attempt_at, last_error, created_at, delivered_at";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Event<UrgentEntryQueued> urgentQueued;

    /** @param urgent sent before non-urgent heads of other lines (critical alert, STAT or priority-1 report) */
    public long insert(String kind, String destination, String orderKey, boolean urgent, Long reportPk, String alertId, String summary,
                       String messageId, byte[] payload) {
        String sql = "INSERT INTO outbox (kind, destination, order_key, urgent, report_pk, alert_id, summary, message_id, payload, status)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING') RETURNING id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, kind);
            ps.setString(2, destination);
            ps.setString(3, orderKey);
            ps.setBoolean(4, urgent);
            ps.setObject(5, reportPk);
            ps.setString(6, alertId);
            ps.setString(7, summary);
            ps.setString(8, messageId);
            ps.setBytes(9, payload);
            long id;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            if (urgent) {
                urgentQueued.fire(new UrgentEntryQueued(destination));
            }
            return id;
        } catch (SQLException e) {
            throw new StoreException("cannot queue " + summary + " for " + destination, e);
        }
    }

    /** Destinations with at least one entry due now. */
    public List<String> dueDestinations() {
        String sql = "SELECT DISTINCT destination FROM outbox WHERE status = 'PENDING' AND next_attempt_at <= now()";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot find due destinations", e);
        }
    }

    /**
     * Entry {@code o} of the given destination may be sent now: pending, due, and first in line of
     * its order key (an earlier pending or parked message of the same patient blocks later ones).
     */
    private static final String DUE_HEAD = "o.destination = ? AND o.status = 'PENDING' AND o.next_attempt_at <= now()"
            + " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.destination = o.destination AND p.order_key = o.order_key"
            + " AND p.id < o.id AND p.status <> 'DELIVERED')";

    /**
     * Ids of one destination's entries that may be sent now ({@link #DUE_HEAD}). Urgent heads come
     * first across patients: critical-alert webhooks and messages of STAT or triage-priority-1
     * reports, then the rest, each oldest first. Within one order key the order stays strictly by id
     * (only a line's head is ever returned).
     */
    public List<Long> dueHeads(String destination, int limit) {
        String sql = "SELECT o.id FROM outbox o WHERE " + DUE_HEAD + " ORDER BY o.urgent DESC, o.id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, destination);
            ps.setInt(2, limit);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new StoreException("cannot find due outbox entries of " + destination, e);
        }
    }

    /**
     * Whether an urgent entry of the destination may be sent now that is not among {@code known}
     * (the batch the sender is working through): one that was committed, or whose backoff ended,
     * after the batch was read. An index probe on the few pending urgent entries.
     */
    public boolean urgentHeadWaiting(String destination, List<Long> known) {
        String sql = "SELECT EXISTS (SELECT 1 FROM outbox o WHERE o.urgent AND " + DUE_HEAD + " AND o.id <> ALL (?))";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, destination);
            ps.setArray(2, c.createArrayOf("bigint", known.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check for urgent outbox entries of " + destination, e);
        }
    }

    /** Locks one due entry for sending, skipping it when another worker (replica) holds it. */
    public Optional<OutboxEntry> lockDue(long id) {
        String sql = "SELECT " + COLUMNS + " FROM outbox WHERE id = ? AND status = 'PENDING' AND next_attempt_at <= now()"
                + " FOR UPDATE SKIP LOCKED";
        return one(sql, id);
    }

    /** The newest entry of a kind for a report (any status). */
    public Optional<OutboxEntry> latest(String kind, long reportPk) {
        String sql = "SELECT " + COLUMNS + " FROM outbox WHERE kind = ? AND report_pk = ? ORDER BY id DESC LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, kind);
            ps.setLong(2, reportPk);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the latest " + kind + " of report " + reportPk, e);
        }
    }

    public Optional<OutboxEntry> find(long id) {
        return one("SELECT " + COLUMNS + " FROM outbox WHERE id = ?", id);
    }

    public void markDelivered(long id, String note) {
        update("UPDATE outbox SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = now(), last_error = ? WHERE id = ?",
                note, id);
    }

    public void markFailed(long id, String error, Instant nextAttempt, boolean park) {
        String sql = "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, status = ? WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, error);
            ps.setTimestamp(2, Timestamp.from(nextAttempt));
            ps.setString(3, park ? OutboxEntry.PARKED : OutboxEntry.PENDING);
            ps.setLong(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record failure of outbox entry " + id, e);
        }
    }

    /** Puts a parked entry back in line with a fresh attempt budget. */
    public boolean requeue(long id) {
        String sql = "UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_at = now() WHERE id = ? AND status = 'PARKED'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot re-queue outbox entry " + id, e);
        }
    }

    public List<OutboxEntry> list(String status, String kind, Long reportPk, int limit) {
        return list(status, kind, null, reportPk, limit);
    }

    public List<OutboxEntry> list(String status, String kind, String destination, Long reportPk, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM outbox WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (destination != null) {
            sql.append(" AND destination = ?");
            args.add(destination);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (kind != null) {
            sql.append(" AND kind = ?");
            args.add(kind);
        }
        if (reportPk != null) {
            sql.append(" AND report_pk = ?");
            args.add(reportPk);
        }
        sql.append(" ORDER BY id LIMIT ?");
        args.add(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<OutboxEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list outbox", e);
        }
    }

    /** Deletes delivered entries delivered before {@code before}; returns how many. */
    public int purgeDelivered(Instant before) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE status = 'DELIVERED' AND delivered_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(before));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot purge delivered outbox entries", e);
        }
    }

    public long countPending(String kind) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM outbox WHERE status = 'PENDING' AND kind = ?")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count pending outbox entries", e);
        }
    }

    private void update(String sql, String text, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, text);
            ps.setLong(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update outbox entry " + id, e);
        }
    }

    private Optional<OutboxEntry> one(String sql, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read outbox entry " + id, e);
        }
    }

    private static OutboxEntry map(ResultSet rs) throws SQLException {
        long reportPk = rs.getLong("report_pk");
        Long pk = rs.wasNull() ? null : reportPk;
        return new OutboxEntry(rs.getLong("id"), rs.getString("kind"), rs.getString("destination"), rs.getString("order_key"), pk,
                rs.getString("alert_id"), rs.getString("summary"), rs.getString("message_id"), rs.getBytes("payload"),
                rs.getString("status"), rs.getInt("attempts"), instant(rs.getTimestamp("next_attempt_at")), rs.getString("last_error"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("delivered_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

package org.cxrplatform.report.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.cxrplatform.report.Where;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Who viewed, edited, signed, rejected, re-sent or acknowledged what, and when. Rows are only
 * ever inserted; the database refuses UPDATE, DELETE and TRUNCATE (trigger in V1). Joins the
 * caller's transaction, so an action and its audit entry commit together.
 */
@ApplicationScoped
public class AuditLog {

    private static final RowMapper<Entry> ENTRY = ConstructorMapper.of(Entry.class);

    @Inject
    Jdbi jdbi;

    public void record(String actor, String action, String targetType, String targetId, String detail) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO audit_log (actor, action, target_type, target_id, detail)"
                        + " VALUES (:actor, :action, :targetType, :targetId, :detail)")
                .bind("actor", actor)
                .bind("action", action)
                .bind("targetType", targetType)
                .bind("targetId", targetId)
                .bind("detail", detail)
                .execute());
    }

    public List<Entry> list(String targetType, String targetId, int limit) {
        Where where = new Where().equal("target_type", targetType).equal("target_id", targetId);
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, at, actor, action, target_type, target_id, detail FROM audit_log" + where
                                + " ORDER BY id DESC LIMIT :limit")
                .bindMap(where.args())
                .bind("limit", Math.max(1, Math.min(limit, 1000)))
                .map(ENTRY)
                .list());
    }

    public record Entry(
            long id, Instant at, String actor, String action, String targetType, String targetId, String detail) {}
}

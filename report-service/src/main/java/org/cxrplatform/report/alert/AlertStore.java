package org.cxrplatform.report.alert;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cxrplatform.contracts.CriticalAlert;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** Access to {@code critical_alert}; joins the caller's transaction. */
@ApplicationScoped
public class AlertStore {

    /** Named as {@link StoredAlert}'s components (snake case). */
    private static final String COLUMNS =
            "alert_id, report_id, study_instance_uid, accession_number, lane, finding, state, excerpt,"
                    + " model_version, raised_at, received_at, acknowledged_by, acknowledged_at";

    private static final RowMapper<StoredAlert> ALERT = ConstructorMapper.of(StoredAlert.class);

    @Inject
    Jdbi jdbi;

    /** @return true when the alert is new, false for a re-delivery (nothing changed) */
    public boolean insert(CriticalAlert a) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "INSERT INTO critical_alert (alert_id, report_id, study_instance_uid, accession_number,"
                                        + " lane, finding, state, excerpt, model_version, raised_at) VALUES (:alertId, :reportId, :studyInstanceUid,"
                                        + " :accessionNumber, :lane, :finding, :state, :excerpt, :modelVersion, :raisedAt) ON CONFLICT DO NOTHING")
                        .bindMethods(a)
                        .bind(
                                "modelVersion",
                                a.model() == null ? null : a.model().version())
                        .execute())
                == 1;
    }

    public Optional<StoredAlert> find(String alertId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + " FROM critical_alert WHERE alert_id = :alertId")
                        .bind("alertId", alertId)
                        .map(ALERT)
                        .findOne());
    }

    /** Unacknowledged first, newest first. */
    public List<StoredAlert> list(Boolean acknowledged, int limit) {
        String where = acknowledged == null
                ? ""
                : acknowledged ? " WHERE acknowledged_at IS NOT NULL" : " WHERE acknowledged_at IS NULL";
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM critical_alert" + where
                        + " ORDER BY (acknowledged_at IS NULL) DESC, received_at DESC LIMIT :limit")
                .bind("limit", limit)
                .map(ALERT)
                .list());
    }

    /** @return false when it was already acknowledged */
    public boolean acknowledge(String alertId, String actor) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE critical_alert SET acknowledged_by = :actor, acknowledged_at = now()"
                                        + " WHERE alert_id = :alertId AND acknowledged_at IS NULL")
                        .bind("actor", actor)
                        .bind("alertId", alertId)
                        .execute())
                == 1;
    }

    public record StoredAlert(
            String alertId,
            String reportId,
            String studyInstanceUid,
            String accessionNumber,
            String lane,
            String finding,
            String state,
            String excerpt,
            String modelVersion,
            Instant raisedAt,
            Instant receivedAt,
            String acknowledgedBy,
            Instant acknowledgedAt) {}
}

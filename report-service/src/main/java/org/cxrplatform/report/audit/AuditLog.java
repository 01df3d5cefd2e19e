package org.cxrplatform.report.audit;

import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.cxrplatform.audit.Action;
import org.cxrplatform.audit.ActiveParticipant;
import org.cxrplatform.audit.AuditEvent;
import org.cxrplatform.audit.AuditSender;
import org.cxrplatform.audit.Code;
import org.cxrplatform.audit.EventId;
import org.cxrplatform.audit.Outcome;
import org.cxrplatform.audit.ParticipantObject;
import org.cxrplatform.report.Where;
import org.cxrplatform.report.store.StoredReport;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Who read, edited, signed, rejected, exported, re-sent or acknowledged what, and when: a row in
 * {@code audit_log} in the caller's transaction (rows are only ever inserted; the database refuses
 * UPDATE, DELETE and TRUNCATE, trigger in V1), and the same event as a DICOM audit message to the
 * syslog collector once that transaction committed ({@link AuditSender}: queued, never blocking).
 */
@ApplicationScoped
public class AuditLog {

    private static final RowMapper<Entry> ENTRY = ConstructorMapper.of(Entry.class);
    /** Reports per syslog message of a list read, so each message stays well under 64 kB. */
    static final int REPORTS_PER_MESSAGE = 100;

    @Inject
    Jdbi jdbi;

    @Inject
    AuditSender sender;

    @Inject
    Event<AuditEvent> events;

    @Inject
    CurrentVertxRequest request;

    /** One report read (JSON, FHIR). */
    public void reportRead(String actor, StoredReport r, String how) {
        record(actor, "VIEW", "report", r.reportId(), how);
        events.fire(patientRecord(Action.READ, actor)
                .object(ParticipantObject.report(r.reportId()))
                .object(ParticipantObject.study(r.studyInstanceUid()))
                .object(patient(r)));
    }

    /** A list or search read: one row per report, one syslog message per {@value #REPORTS_PER_MESSAGE} reports. */
    public void reportsListed(String actor, List<StoredReport> reports, String what, String criteria) {
        recordViews(
                actor, "report", reports.stream().map(StoredReport::reportId).toList(), what);
        int i = 0;
        do {
            AuditEvent event = patientRecord(Action.READ, actor).object(ParticipantObject.query(what, criteria));
            Set<String> patients = new LinkedHashSet<>();
            for (StoredReport r : reports.subList(i, Math.min(i + REPORTS_PER_MESSAGE, reports.size()))) {
                event = event.object(ParticipantObject.report(r.reportId()))
                        .object(ParticipantObject.study(r.studyInstanceUid()));
                if (r.patient() != null
                        && r.patient().id() != null
                        && patients.add(r.patient().id())) {
                    event = event.object(patient(r));
                }
            }
            events.fire(event);
            i += REPORTS_PER_MESSAGE;
        } while (i < reports.size());
    }

    /** The study image the model read was viewed. */
    public void imageRead(String actor, StoredReport r) {
        record(actor, "VIEW", "report", r.reportId(), "image");
        events.fire(AuditEvent.of(EventId.INSTANCES_ACCESSED, Action.READ)
                .participant(caller(actor))
                .object(ParticipantObject.study(r.studyInstanceUid()))
                .object(patient(r)));
    }

    /** A decision changed the report: {@code action} is SIGN, EDIT or REJECT. */
    public void reportChanged(String actor, String action, StoredReport r, String note) {
        record(actor, action, "report", r.reportId(), note);
        Code type = switch (action) {
            case "SIGN" -> AuditEvent.SIGN;
            case "EDIT" -> AuditEvent.EDIT;
            default -> AuditEvent.REJECT;
        };
        events.fire(patientRecord(Action.UPDATE, actor)
                .type(type)
                .object(ParticipantObject.report(r.reportId()))
                .object(ParticipantObject.study(r.studyInstanceUid()))
                .object(patient(r)));
    }

    /** Critical alerts (a finding in a study) were listed: their ids and their studies' UIDs. */
    public void alertsListed(String actor, List<String> alertIds, List<String> studyInstanceUids, String what) {
        recordViews(actor, "alert", alertIds, what);
        AuditEvent event = patientRecord(Action.READ, actor).object(ParticipantObject.query(what, null));
        for (String uid : new LinkedHashSet<>(studyInstanceUids)) {
            event = event.object(ParticipantObject.study(uid));
        }
        events.fire(event);
    }

    /** A critical alert on a report's study was acknowledged. */
    public void alertAcknowledged(
            String actor, String alertId, String reportId, String studyInstanceUid, String detail) {
        record(actor, "ACKNOWLEDGE", "alert", alertId, detail);
        events.fire(patientRecord(Action.UPDATE, actor)
                .type(AuditEvent.ACKNOWLEDGE)
                .object(ParticipantObject.report(reportId))
                .object(ParticipantObject.study(studyInstanceUid)));
    }

    /**
     * The report left the platform: delivered to (or, {@code delivered} false, given up on after the
     * last try for) {@code destination}. No HTTP caller: this service is the requestor.
     */
    public void exported(StoredReport r, String kind, String destination, boolean delivered) {
        exported("report", r.reportId(), r.studyInstanceUid(), patient(r), kind, destination, delivered);
    }

    /** A critical alert (finding, study) was delivered to the alert webhook, or given up on. */
    public void alertExported(String alertId, String studyInstanceUid, String destination, boolean delivered) {
        exported("alert", alertId, studyInstanceUid, null, "WEBHOOK", destination, delivered);
    }

    private void exported(
            String targetType,
            String targetId,
            String studyInstanceUid,
            ParticipantObject patient,
            String kind,
            String destination,
            boolean delivered) {
        record(
                sender.sourceId(),
                delivered ? "EXPORT" : "EXPORT_FAILED",
                targetType,
                targetId,
                kind + " to " + destination);
        events.fire(AuditEvent.of(EventId.EXPORT, Action.READ)
                .outcome(delivered ? Outcome.SUCCESS : Outcome.SERIOUS_FAILURE)
                .participant(
                        new ActiveParticipant(sender.sourceId(), true, sender.hostname(), ActiveParticipant.SOURCE))
                .participant(new ActiveParticipant(destination, false, null, ActiveParticipant.DESTINATION))
                .object(targetType.equals("report") ? ParticipantObject.report(targetId) : null)
                .object(ParticipantObject.study(studyInstanceUid))
                .object(patient));
    }

    /** A local row only (re-sends of parked deliveries, development tokens). */
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

    private void recordViews(String actor, String targetType, List<String> ids, String detail) {
        if (ids.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> {
            var batch = h.prepareBatch("INSERT INTO audit_log (actor, action, target_type, target_id, detail)"
                    + " VALUES (:actor, 'VIEW', :targetType, :targetId, :detail)");
            for (String id : ids) {
                batch.bind("actor", actor)
                        .bind("targetType", targetType)
                        .bind("targetId", id)
                        .bind("detail", detail)
                        .add();
            }
            batch.execute();
        });
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

    private AuditEvent patientRecord(Action action, String actor) {
        return AuditEvent.of(EventId.PATIENT_RECORD, action).participant(caller(actor));
    }

    private static ParticipantObject patient(StoredReport r) {
        return r.patient() == null
                ? null
                : ParticipantObject.patient(r.patient().id(), r.patient().name());
    }

    /** The token's user, at the address the HTTP request came from (none outside a request). */
    private ActiveParticipant caller(String actor) {
        String address = null;
        if (Arc.container().requestContext().isActive()) {
            RoutingContext rc = request.getCurrent();
            SocketAddress remote = rc == null ? null : rc.request().remoteAddress();
            address = remote == null ? null : remote.hostAddress();
        }
        return ActiveParticipant.requestor(actor, address);
    }

    /**
     * To syslog once the caller's transaction committed (a rolled-back change was not made); at once
     * outside a transaction (CDI's transactional observer).
     */
    void toSyslog(@Observes(during = TransactionPhase.AFTER_SUCCESS) AuditEvent event) {
        sender.send(event);
    }

    public record Entry(
            long id, Instant at, String actor, String action, String targetType, String targetId, String detail) {}
}

package org.cxrplatform.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One DICOM audit message's content: the event, its participants and what it touched. Built with
 * {@link #of} and the with-methods, each of which returns a new event.
 *
 * <pre>{@code
 * AuditEvent.of(EventId.PATIENT_RECORD, Action.UPDATE)
 *         .type(AuditEvent.SIGN)
 *         .participant(ActiveParticipant.requestor("dr.house", "10.1.2.3"))
 *         .object(ParticipantObject.report(id))
 *         .object(ParticipantObject.study(studyUid));
 * }</pre>
 */
public record AuditEvent(
        EventId id,
        Action action,
        Outcome outcome,
        Instant at,
        List<Code> types,
        List<ActiveParticipant> participants,
        List<ParticipantObject> objects) {

    /** EventTypeCodes of the radiologist's decisions: DCM has none for them, so they are ours. */
    public static final Code SIGN = local("SIGN", "Report signed");

    public static final Code EDIT = local("EDIT", "Report edited and signed");
    public static final Code REJECT = local("REJECT", "AI draft rejected");
    public static final Code ACKNOWLEDGE = local("ACKNOWLEDGE", "Critical alert acknowledged");

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
        types = List.copyOf(types);
        participants = List.copyOf(participants);
        objects = List.copyOf(objects);
    }

    public static AuditEvent of(EventId id, Action action) {
        return new AuditEvent(id, action, Outcome.SUCCESS, Instant.now(), List.of(), List.of(), List.of());
    }

    private static Code local(String code, String text) {
        return new Code(code, "urn:cxrplatform:audit", text);
    }

    public AuditEvent outcome(Outcome o) {
        return new AuditEvent(id, action, o, at, types, participants, objects);
    }

    public AuditEvent type(Code type) {
        return new AuditEvent(id, action, outcome, at, plus(types, type), participants, objects);
    }

    public AuditEvent participant(ActiveParticipant p) {
        return new AuditEvent(id, action, outcome, at, types, plus(participants, p), objects);
    }

    /** Adds an object; a null (e.g. no patient id known) adds nothing. */
    public AuditEvent object(ParticipantObject o) {
        return o == null || o.id() == null
                ? this
                : new AuditEvent(id, action, outcome, at, types, participants, plus(objects, o));
    }

    private static <T> List<T> plus(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return copy;
    }
}

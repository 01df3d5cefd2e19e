package org.cxrplatform.ingest.audit;

import java.util.function.Supplier;
import org.cxrplatform.audit.Action;
import org.cxrplatform.audit.ActiveParticipant;
import org.cxrplatform.audit.AuditEvent;
import org.cxrplatform.audit.AuditSender;
import org.cxrplatform.audit.EventId;
import org.cxrplatform.audit.Outcome;
import org.cxrplatform.audit.ParticipantObject;

/**
 * The DICOM audit messages of ingest (to the syslog collector; ingest has no database): every
 * instance received (C-STORE from a router or a modality, STOW-RS, a C-MOVE or WADO-RS pull of
 * ours), every query we send to the PACS, every HL7 order received. Never blocks (see
 * {@link AuditSender}).
 */
public final class IngestAudit {

    /** No collector configured (nothing is built or sent), and nodes built by hand in tests and benchmarks. */
    public static final IngestAudit NONE = new IngestAudit(null, null);

    private final AuditSender sender;
    private final String ourAe;

    public IngestAudit(AuditSender sender, String ourAe) {
        this.sender = sender;
        this.ourAe = ourAe;
    }

    /**
     * One instance arrived (110104 DICOM Instances Transferred, action C). {@code pulled}: we asked
     * for it (C-MOVE, WADO-RS), so we are the requestor; otherwise the sender is.
     */
    public void received(
            String callingAe,
            boolean pulled,
            String studyInstanceUid,
            String patientId,
            String patientName,
            boolean ok) {
        if (sender == null) {
            return;
        }
        sender.send(AuditEvent.of(EventId.INSTANCES_TRANSFERRED, Action.CREATE)
                .outcome(ok ? Outcome.SUCCESS : Outcome.MINOR_FAILURE)
                .participant(new ActiveParticipant(callingAe, !pulled, null, ActiveParticipant.SOURCE))
                .participant(new ActiveParticipant(ourAe, pulled, sender.hostname(), ActiveParticipant.DESTINATION))
                .object(ParticipantObject.study(studyInstanceUid))
                .object(patientId == null ? null : ParticipantObject.patient(patientId, patientName)));
    }

    /**
     * We queried the PACS (110112 Query, action E): C-FIND or QIDO-RS, with what we asked. {@code criteria} is
     * rendered only when there is a collector to send it to (a C-FIND identifier's text costs every query).
     */
    public void queried(String pacs, String what, Supplier<String> criteria, boolean ok) {
        if (sender == null) {
            return;
        }
        sender.send(AuditEvent.of(EventId.QUERY, Action.EXECUTE)
                .outcome(ok ? Outcome.SUCCESS : Outcome.MINOR_FAILURE)
                .participant(new ActiveParticipant(ourAe, true, sender.hostname(), ActiveParticipant.SOURCE))
                .participant(new ActiveParticipant(pacs, false, null, ActiveParticipant.DESTINATION))
                .object(ParticipantObject.query(what, criteria.get())));
    }

    /** An HL7 order arrived (110107 Import, action C): the sender, the accession and patient it names. */
    public void orderReceived(
            String sendingApplication, String peerAddress, String accession, String patientId, boolean ok) {
        if (sender == null) {
            return;
        }
        sender.send(AuditEvent.of(EventId.IMPORT, Action.CREATE)
                .outcome(ok ? Outcome.SUCCESS : Outcome.MINOR_FAILURE)
                .participant(new ActiveParticipant(sendingApplication, true, peerAddress, ActiveParticipant.SOURCE))
                .participant(new ActiveParticipant(ourAe, false, sender.hostname(), ActiveParticipant.DESTINATION))
                .object(accession == null ? null : ParticipantObject.accession(accession))
                .object(patientId == null ? null : ParticipantObject.patient(patientId, null)));
    }
}

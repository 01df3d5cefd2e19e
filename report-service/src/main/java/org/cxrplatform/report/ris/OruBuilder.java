package org.cxrplatform.report.ris;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.datatype.TX;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.PID;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.FindingCodes;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.report.store.StoredReport;

/**
 * Builds one ORU^R01 (HL7 v2.5.1) for a report change:
 * MSH, PID (the patient when the event carried one, else an accession-based placeholder),
 * ORC/OBR with the accession number (OBR-2 placer, OBR-3 filler) and the result status (OBR-25),
 * one OBX TX per text line, one OBX CWE per finding (SNOMED CT finding, state as value), and an
 * OBX ST naming the model version.
 */
@ApplicationScoped
public class OruBuilder {

    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ").withZone(ZoneId.of("UTC"));

    /** MSH-18 value (HL7 table 0211) for UTF-8. */
    public static final String UTF8 = "UNICODE UTF-8";

    @Inject
    Hl7Context hl7;

    @Inject
    ReportConfig config;

    /**
     * @param controlId  MSH-10, kept across retries so a receiver can drop duplicates
     * @param actor      who signed (FINAL/CORRECTED/WITHDRAWN), null for drafts
     */
    public String build(StoredReport r, ResultStatus status, String controlId, String actor, Instant at) {
        try {
            ORU_R01 oru = hl7.get().newMessage(ORU_R01.class);
            oru.initQuickstart("ORU", "R01", "P");
            MSH msh = oru.getMSH();
            ReportConfig.Ris ris = config.ris();
            msh.getSendingApplication().getNamespaceID().setValue(ris.sendingApplication());
            msh.getSendingFacility().getNamespaceID().setValue(ris.sendingFacility());
            msh.getReceivingApplication().getNamespaceID().setValue(ris.receivingApplication());
            msh.getReceivingFacility().getNamespaceID().setValue(ris.receivingFacility());
            msh.getDateTimeOfMessage().getTime().setValue(TS.format(at));
            msh.getMessageControlID().setValue(controlId);
            msh.getAcceptAcknowledgmentType().setValue("AL");
            msh.getApplicationAcknowledgmentType().setValue("NE");
            // The text is sent exactly as stored ('µ', '°', U+FFFD ...): MSH-18 tells the RIS it is UTF-8,
            // and MllpSender's MLLP layer encodes the frame in the charset MSH-18 names.
            msh.getCharacterSet(0).setValue(UTF8);

            PID pid = oru.getPATIENT_RESULT().getPATIENT().getPID();
            pid.getSetIDPID().setValue("1");
            writePatient(pid, r);

            ORU_R01_ORDER_OBSERVATION oo = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
            String accession = r.accessionNumber() == null ? r.studyInstanceUid() : r.accessionNumber();
            ORC orc = oo.getORC();
            orc.getOrderControl().setValue("RE");
            orc.getPlacerOrderNumber().getEntityIdentifier().setValue(accession);
            orc.getFillerOrderNumber().getEntityIdentifier().setValue(accession);
            orc.getOrderStatus().setValue("CM");

            OBR obr = oo.getOBR();
            obr.getSetIDOBR().setValue("1");
            obr.getPlacerOrderNumber().getEntityIdentifier().setValue(accession);
            obr.getFillerOrderNumber().getEntityIdentifier().setValue(accession);
            obr.getUniversalServiceIdentifier().getIdentifier().setValue("CXR-AI");
            obr.getUniversalServiceIdentifier().getText().setValue("Chest radiograph report (AI-assisted)");
            obr.getUniversalServiceIdentifier().getNameOfCodingSystem().setValue("L");
            obr.getObservationDateTime().getTime().setValue(TS.format(r.createdAt() == null ? at : r.createdAt()));
            obr.getResultsRptStatusChngDateTime().getTime().setValue(TS.format(at));
            obr.getDiagnosticServSectID().setValue("RAD");
            obr.getResultStatus().setValue(status.obr25());
            if (actor != null) {
                obr.getPrincipalResultInterpreter().getNDLName().getIDNumber().setValue(actor);
            }

            int setId = 1;
            String[] lines = r.text().split("\\R", -1);
            for (int i = 0; i < lines.length; i++) {
                OBX obx = oo.getOBSERVATION(setId - 1).getOBX();
                header(obx, setId++, "TX", status);
                obx.getObservationIdentifier().getIdentifier().setValue("18782-3");
                obx.getObservationIdentifier().getText().setValue("Radiology Study observation (narrative)");
                obx.getObservationIdentifier().getNameOfCodingSystem().setValue("LN");
                obx.getObservationSubID().setValue(Integer.toString(i + 1));
                TX tx = new TX(oru);
                tx.setValue(lines[i]);
                obx.getObservationValue(0).setData(tx);
            }
            for (Map.Entry<Finding, FindingState> f : r.findings().entrySet()) {
                OBX obx = oo.getOBSERVATION(setId - 1).getOBX();
                header(obx, setId++, "CWE", status);
                FindingCodes.Code code = FindingCodes.of(f.getKey());
                obx.getObservationIdentifier().getIdentifier().setValue(code.value());
                obx.getObservationIdentifier().getText().setValue(code.meaning());
                obx.getObservationIdentifier().getNameOfCodingSystem().setValue(code.scheme());
                FindingCodes.Code state = FindingCodes.of(f.getValue());
                CWE cwe = new CWE(oru);
                cwe.getIdentifier().setValue(state.value());
                cwe.getText().setValue(state.meaning());
                cwe.getNameOfCodingSystem().setValue(state.scheme());
                obx.getObservationValue(0).setData(cwe);
            }
            OBX model = oo.getOBSERVATION(setId - 1).getOBX();
            header(model, setId, "ST", status);
            model.getObservationIdentifier().getIdentifier().setValue("AI-MODEL");
            model.getObservationIdentifier().getText().setValue("AI model version");
            model.getObservationIdentifier().getNameOfCodingSystem().setValue("L");
            ST st = new ST(oru);
            st.setValue(r.modelVersion());
            model.getObservationValue(0).setData(st);
            return oru.encode();
        } catch (HL7Exception | IOException e) {
            throw new IllegalStateException("cannot build ORU^R01 for report " + r.reportId() + ": " + e.getMessage(), e);
        }
    }

    private static void header(OBX obx, int setId, String type, ResultStatus status) throws DataTypeException {
        obx.getSetIDOBX().setValue(Integer.toString(setId));
        obx.getValueType().setValue(type);
        obx.getObservationResultStatus().setValue(status.obx11());
    }

    private static void writePatient(PID pid, StoredReport r) throws HL7Exception {
        Patient p = r.patient();
        if (p != null && p.id() != null) {
            pid.getPatientIdentifierList(0).getIDNumber().setValue(p.id());
            if (p.issuer() != null) {
                pid.getPatientIdentifierList(0).getAssigningAuthority().getNamespaceID().setValue(p.issuer());
            }
            pid.getPatientIdentifierList(0).getIdentifierTypeCode().setValue("MR");
            if (p.name() != null) {
                String[] parts = p.name().split("\\^");
                pid.getPatientName(0).getFamilyName().getSurname().setValue(parts[0]);
                if (parts.length > 1) {
                    pid.getPatientName(0).getGivenName().setValue(parts[1]);
                }
            }
            if (p.birthDate() != null) {
                pid.getDateTimeOfBirth().getTime().setValue(p.birthDate().toString().replace("-", ""));
            }
            if (p.sex() != null) {
                pid.getAdministrativeSex().setValue(p.sex());
            }
        } else {
            // No PHI in events: the RIS matches the result by accession number (OBR-2/3).
            String accession = r.accessionNumber() == null ? r.studyInstanceUid() : r.accessionNumber();
            pid.getPatientIdentifierList(0).getIDNumber().setValue("ACC-" + accession);
            pid.getPatientIdentifierList(0).getAssigningAuthority().getNamespaceID().setValue("CXR_AI");
            pid.getPatientIdentifierList(0).getIdentifierTypeCode().setValue("AN");
        }
    }
}

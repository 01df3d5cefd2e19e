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
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.FindingCodes;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.report.store.StoredReport;

/**
 * Builds one ORU^R01 (HL7 v2.5.1) for a report change, conforming to the message profile
 * {@value #PROFILE_ID} ({@code hl7/cxr-oru-r01.xml}, named in MSH-21): MSH; PID (the patient when
 * events carry PHI, else only the accession number typed ACSN: the RIS matches by order); ORC/OBR
 * with the order's placer number (ORC-2/OBR-2), our filler number (from the report id, ORC-3/OBR-3), the
 * accession number (OBR-18), the ordered procedure (OBR-4), the study time (OBR-7) and the result
 * status (OBR-25); one OBX TX per text line, one OBX CWE per finding (SNOMED CT finding, state as
 * value), and an OBX ST naming the model version. Every field decision: docs/hl7-interface.md.
 */
@ApplicationScoped
public class OruBuilder {

    static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ").withZone(ZoneId.of("UTC"));

    /** MSH-18 value (HL7 table 0211) for UTF-8. */
    public static final String UTF8 = "UNICODE UTF-8";
    /** MSH-21: the conformance profile our ORU^R01 follows. */
    public static final String PROFILE_ID = "CXR-ORU-R01-2";
    /** HL7's explicit null: the field is known to have no value. */
    static final String HL7_NULL = "\"\"";
    /** Namespace of the profile identifier in MSH-21. */
    static final String PROFILE_NAMESPACE = "CXR_AI";
    /** OBR-4 when neither an HL7 order nor the DICOM header named the procedure. */
    static final SourceStudy.Procedure FALLBACK_PROCEDURE =
            new SourceStudy.Procedure("18748-4", "LN", "Diagnostic imaging study");

    @Inject
    Hl7Context hl7;

    @Inject
    ReportConfig config;

    /**
     * @param controlId  MSH-10, kept across retries so a receiver can drop duplicates
     * @param actor      who signed (FINAL/CORRECTED/WITHDRAWN), null for drafts
     */
    public String build(StoredReport r, ResultStatus status, String controlId, String actor, Instant at) {
        return build(config.ris(), r, status, controlId, actor, at);
    }

    /** As {@link #build(StoredReport, ResultStatus, String, String, Instant)}, with the RIS settings given. */
    String build(
            ReportConfig.Ris ris, StoredReport r, ResultStatus status, String controlId, String actor, Instant at) {
        try {
            ORU_R01 oru = hl7.get().newMessage(ORU_R01.class);
            oru.initQuickstart("ORU", "R01", "P");
            MSH msh = oru.getMSH();
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
            msh.getMessageProfileIdentifier(0).getEntityIdentifier().setValue(PROFILE_ID);
            msh.getMessageProfileIdentifier(0).getNamespaceID().setValue(PROFILE_NAMESPACE);

            PID pid = oru.getPATIENT_RESULT().getPATIENT().getPID();
            pid.getSetIDPID().setValue("1");
            writePatient(pid, r);

            ORU_R01_ORDER_OBSERVATION oo = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
            SourceStudy source = r.source();
            String placer = placerOrderNumber(r);
            ORC orc = oo.getORC();
            orc.getOrderControl().setValue("RE");
            orc.getPlacerOrderNumber().getEntityIdentifier().setValue(placer);
            orc.getFillerOrderNumber().getEntityIdentifier().setValue(fillerOrderNumber(r));
            orc.getOrderStatus().setValue("CM");

            OBR obr = oo.getOBR();
            obr.getSetIDOBR().setValue("1");
            obr.getPlacerOrderNumber().getEntityIdentifier().setValue(placer);
            obr.getFillerOrderNumber().getEntityIdentifier().setValue(fillerOrderNumber(r));
            SourceStudy.Procedure procedure =
                    source != null && source.procedure() != null ? source.procedure() : FALLBACK_PROCEDURE;
            obr.getUniversalServiceIdentifier().getIdentifier().setValue(procedure.code());
            obr.getUniversalServiceIdentifier().getText().setValue(procedure.text());
            obr.getUniversalServiceIdentifier().getNameOfCodingSystem().setValue(procedure.scheme());
            obr.getObservationDateTime().getTime().setValue(observationTime(r, at));
            if (r.accessionNumber() != null) {
                obr.getPlacerField1().setValue(r.accessionNumber());
            }
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
            throw new IllegalStateException(
                    "cannot build ORU^R01 for report " + r.reportId() + ": " + e.getMessage(), e);
        }
    }

    private static void header(OBX obx, int setId, String type, ResultStatus status) throws DataTypeException {
        obx.getSetIDOBX().setValue(Integer.toString(setId));
        obx.getValueType().setValue(type);
        obx.getObservationResultStatus().setValue(status.obx11());
    }

    /**
     * ORC-3/OBR-3, our filler order number: the first 16 hex digits (64 bits) of the report id, the same
     * for every version of the report (HL7 v2.5.1 gives the field 22 characters; the 32-digit id does not fit).
     */
    public static String fillerOrderNumber(StoredReport r) {
        return r.reportId().substring(0, Math.min(16, r.reportId().length()));
    }

    /**
     * ORC-2/OBR-2: the HL7 order's placer number, else the DICOM Placer Order Number, else the
     * accession number, else our filler number (a study that came with no order and no accession).
     */
    static String placerOrderNumber(StoredReport r) {
        if (r.source() != null && r.source().placerOrderNumber() != null) {
            return r.source().placerOrderNumber();
        }
        return r.accessionNumber() != null ? r.accessionNumber() : fillerOrderNumber(r);
    }

    /** OBR-7: when the study was acquired (Study Date/Time, local time as in the header); the report time if unknown. */
    static String observationTime(StoredReport r, Instant at) {
        SourceStudy s = r.source();
        if (s != null && s.studyDate() != null) {
            String time = s.studyTime() == null ? "" : s.studyTime().split("\\.")[0];
            return s.studyDate().format(DateTimeFormatter.BASIC_ISO_DATE) + time;
        }
        return TS.format(r.createdAt() == null ? at : r.createdAt());
    }

    private static void writePatient(PID pid, StoredReport r) throws HL7Exception {
        Patient p = r.patient();
        if (p != null && p.id() != null) {
            pid.getPatientIdentifierList(0).getIDNumber().setValue(p.id());
            if (p.issuer() != null) {
                pid.getPatientIdentifierList(0)
                        .getAssigningAuthority()
                        .getNamespaceID()
                        .setValue(p.issuer());
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
                pid.getDateTimeOfBirth()
                        .getTime()
                        .setValue(p.birthDate().toString().replace("-", ""));
            }
            if (p.sex() != null) {
                pid.getAdministrativeSex().setValue(p.sex());
            }
        } else {
            // No PHI in events: no patient identifier is invented. PID-3 names the accession number as what
            // it is (type ACSN, HL7 table 0203), or is the explicit HL7 null "" when there is none; PID-5 is
            // "". The RIS matches by order (ORC-2/OBR-2 placer number, OBR-18 accession number).
            if (r.accessionNumber() != null) {
                pid.getPatientIdentifierList(0).getIDNumber().setValue(r.accessionNumber());
                pid.getPatientIdentifierList(0).getIdentifierTypeCode().setValue("ACSN");
            } else {
                pid.getPatientIdentifierList(0).getIDNumber().setValue(HL7_NULL);
            }
            pid.getPatientName(0).getFamilyName().getSurname().setValue(HL7_NULL);
        }
    }
}

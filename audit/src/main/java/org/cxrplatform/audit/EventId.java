package org.cxrplatform.audit;

/** The DICOM audit events this platform emits (PS3.15 A.5.3, codes from PS3.16 CID 400). */
public enum EventId {
    /** A report (patient record) was read, created, changed. */
    PATIENT_RECORD("110110", "Patient Record"),
    /** Stored images were read (the rendered study image). */
    INSTANCES_ACCESSED("110103", "DICOM Instances Accessed"),
    /** Instances were received from or sent to another DICOM node (C-STORE, C-MOVE). */
    INSTANCES_TRANSFERRED("110104", "DICOM Instances Transferred"),
    /** PHI left the platform (ORU to a RIS, SR to a PACS, FHIR push, alert webhook). */
    EXPORT("110106", "Export"),
    /** PHI entered the platform from outside DICOM transfer (STOW-RS, HL7 orders). */
    IMPORT("110107", "Import"),
    /** A query was sent to or answered for another node (C-FIND, QIDO-RS). */
    QUERY("110112", "Query");

    private final Code code;

    EventId(String code, String text) {
        this.code = Code.dcm(code, text);
    }

    public Code code() {
        return code;
    }
}

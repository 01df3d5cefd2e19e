package org.cxrplatform.audit;

/**
 * What the event touched (PS3.15 A.5.1 ParticipantObjectIdentification): a study, a patient, a
 * report, a query. {@code type} and {@code role} are RFC 3881 ParticipantObjectTypeCode and
 * ParticipantObjectTypeCodeRole; {@code query} is the query text (sent base64 in
 * ParticipantObjectQuery) or null.
 */
public record ParticipantObject(int type, int role, Code idType, String id, String name, String query) {

    private static final int PERSON = 1;
    private static final int SYSTEM_OBJECT = 2;
    private static final int ROLE_PATIENT = 1;
    private static final int ROLE_REPORT = 3;
    private static final int ROLE_QUERY = 24;

    public static final Code STUDY_INSTANCE_UID = Code.dcm("110180", "Study Instance UID");
    public static final Code PATIENT_NUMBER = Code.rfc3881("2", "Patient Number");
    /** DCM has no ID type for an accession number (PS3.15 puts it inside the study's description): ours. */
    public static final Code ACCESSION_NUMBER = new Code("ACCESSION", "urn:cxrplatform:audit", "Accession Number");

    public static final Code REPORT_NUMBER = Code.rfc3881("9", "Report Number");
    public static final Code SEARCH_CRITERIA = Code.rfc3881("10", "Search Criteria");

    public static ParticipantObject study(String studyInstanceUid) {
        return new ParticipantObject(SYSTEM_OBJECT, ROLE_REPORT, STUDY_INSTANCE_UID, studyInstanceUid, null, null);
    }

    /** The patient; {@code name} may be null (the audit record names the patient only when we know it). */
    public static ParticipantObject patient(String patientId, String name) {
        return new ParticipantObject(PERSON, ROLE_PATIENT, PATIENT_NUMBER, patientId, name, null);
    }

    /** An order's accession number, the study's identity before its UID is known. */
    public static ParticipantObject accession(String accessionNumber) {
        return new ParticipantObject(SYSTEM_OBJECT, ROLE_REPORT, ACCESSION_NUMBER, accessionNumber, null, null);
    }

    public static ParticipantObject report(String reportId) {
        return new ParticipantObject(SYSTEM_OBJECT, ROLE_REPORT, REPORT_NUMBER, reportId, null, null);
    }

    /** A search: what was asked ({@code what}, e.g. {@code GET /api/reports}) and its criteria. */
    public static ParticipantObject query(String what, String criteria) {
        return new ParticipantObject(SYSTEM_OBJECT, ROLE_QUERY, SEARCH_CRITERIA, what, null, criteria);
    }
}

package org.cxrplatform.ingest.support;

/**
 * HL7 v2.5.1 order messages (ER7) as a RIS sends them, for the MLLP tests. {@code priority} is "S" or
 * ""; an empty accession leaves every accession field empty.
 */
public final class HL7Orders {

    private HL7Orders() {}

    /** ORM^O01: priority in ORC-7.6, accession number in OBR-18 and the filler order number. */
    public static String orm(
            String id,
            String control,
            String status,
            String accession,
            String priority,
            String patientClass,
            String procedure) {
        return "MSH|^~\\&|RIS|HOSP|CXR_AI|HOSP|20260101120000||ORM^O01^ORM_O01|" + id + "|P|2.5.1\r"
                + "PID|1||PID123^^^HOSP||DOE^JOHN\r"
                + "PV1|1|" + patientClass + "\r"
                + "ORC|" + control + "|PLC-" + accession + "|" + accession + "||" + status + "||"
                + (priority.isEmpty() ? "" : "^^^^^" + priority) + "\r"
                + "OBR|1|PLC-" + accession + "|" + accession + "|" + procedure + "|".repeat(14) + accession + "\r";
    }

    /**
     * OMI^O23 as a RIS sends it for imaging: priority in TQ1-9, accession number only in IPC-1 (the
     * filler order number differs, OBR-18 is empty), so an order is found only if IPC-1 is read.
     */
    public static String omi(
            String id,
            String control,
            String status,
            String accession,
            String priority,
            String patientClass,
            String procedure) {
        String filler = accession.isEmpty() ? "" : "F-" + accession;
        return "MSH|^~\\&|RIS|HOSP|CXR_AI|HOSP|20260101120000||OMI^O23^OMI_O23|" + id + "|P|2.5.1\r"
                + "PID|1||PID123^^^HOSP||DOE^JOHN\r"
                + "PV1|1|" + patientClass + "\r"
                + "ORC|" + control + "|PLC-" + accession + "|" + filler + "||" + status + "\r"
                + "TQ1|1" + "|".repeat(8) + priority + "\r"
                + "OBR|1|PLC-" + accession + "|" + filler + "|" + procedure + "\r"
                + (accession.isEmpty()
                        ? ""
                        : "IPC|" + accession + "|RP-" + accession + "|1.2.826.0.1.3680043.10.9."
                                + Math.floorMod(id.hashCode(), 100_000) + "|SPS-" + accession + "|CR\r");
    }
}

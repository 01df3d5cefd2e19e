package org.cxrplatform.ingest.orders;

import java.util.List;

/**
 * What one ORC/OBR order group of an ORM^O01 or OMI^O23 says, as {@link OrderParser} read it.
 *
 * @param control       ORC-1, upper-case (never null: the parser refuses a message without it)
 * @param status        ORC-5, upper-case, or null
 * @param placer        ORC-2, else OBR-2
 * @param accession     IPC-1 (OMI), else OBR-18, else the filler order number (ORC-3/OBR-3); never null
 * @param procedureCode OBR-4.1, as sent
 * @param procedureText OBR-4.2, as sent
 * @param procedureCodingSystem OBR-4.3, as sent
 * @param procedureAlternateText OBR-4.5, as sent
 * @param priorities    ORC-7.6, OBR-27.6 or TQ1-9, OBR-5, as sent (entries may be null)
 * @param patientClass  PV1-2, trimmed, or null
 */
record ParsedOrder(
        String control,
        String status,
        String placer,
        String accession,
        String procedureCode,
        String procedureText,
        String procedureCodingSystem,
        String procedureAlternateText,
        List<String> priorities,
        String patientClass) {

    /** OBR-4 as {@code code^text^coding system}, the procedure an {@link Order} remembers. */
    String procedure() {
        return nullToEmpty(procedureCode) + "^" + nullToEmpty(procedureText) + "^" + nullToEmpty(procedureCodingSystem);
    }

    boolean cancels() {
        return "CA".equals(control) || "DC".equals(control) || "OC".equals(control) || "CA".equals(status);
    }

    static String nullToEmpty(String v) {
        return v == null ? "" : v;
    }
}

package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.LocalDate;

/**
 * What a result needs from the source study and its order so the RIS files it with the order and
 * the PACS files it with the study: the image that was read (for the SR's image library), the
 * General Study module values (copied, never re-invented), and the order identifiers. None of it is
 * patient identity: it travels whatever the PHI setting (see {@link Patient}).
 *
 * <p>Added in StudyEvent and ReportEvent schema version 3; ingest fills it, inference copies it
 * into the report unchanged. Absent (null) in events of earlier versions.
 *
 * @param seriesInstanceUid      (0020,000E) of the image that was read
 * @param sopClassUid            (0008,0016) of the image that was read
 * @param studyDate              (0008,0020)
 * @param studyTime              (0008,0030) as in the header (DICOM TM, e.g. "101500" or "101500.25")
 * @param studyId                (0020,0010)
 * @param referringPhysicianName (0008,0090), DICOM PN
 * @param placerOrderNumber      the HL7 order's ORC-2 when an order came, else the DICOM
 *                               Placer Order Number / Imaging Service Request (0040,2016); null if neither
 * @param procedure              the order's universal service identifier (HL7 OBR-4) when an order came,
 *                               else the DICOM Requested Procedure Code Sequence (0032,1064) or Procedure
 *                               Code Sequence (0008,1032) first item; null if none
 * @param orderSource            {@code HL7} when placer number and procedure come from an HL7 order, {@code DICOM} otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceStudy(
        String seriesInstanceUid,
        String sopClassUid,
        LocalDate studyDate,
        String studyTime,
        String studyId,
        String referringPhysicianName,
        String placerOrderNumber,
        Procedure procedure,
        String orderSource) {

    /**
     * A coded procedure: HL7 CE/CWE components 1-3, DICOM Code Value / Coding Scheme Designator / Code Meaning.
     *
     * @param code   identifier / Code Value
     * @param scheme name of coding system / Coding Scheme Designator (e.g. LN, L, 99LOCAL), may be null
     * @param text   text / Code Meaning, may be null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Procedure(String code, String scheme, String text) {}
}

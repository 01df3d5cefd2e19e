package org.cxrplatform.ingest.select;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.cxrplatform.contracts.SourceStudy;

/**
 * What ingest reads from an instance's header (everything before Pixel Data): identifiers,
 * routing and selection facts, the image pixel module, patient identity, and the study and order
 * facts the result messages are filed with ({@link SourceStudy}, as the header tells them).
 */
public record InstanceHeader(
        String sopClassUid,
        String sopInstanceUid,
        String studyInstanceUid,
        String seriesInstanceUid,
        String accessionNumber,
        String modality,
        String bodyPartExamined,
        String protocolName,
        String studyDescription,
        String seriesDescription,
        String viewPosition,
        String requestedProcedurePriority,
        String currentPatientLocation,
        String institutionalDepartmentName,
        String requestingService,
        String institutionName,
        LocalDate studyDate,
        String patientId,
        String issuerOfPatientId,
        String patientName,
        LocalDate patientBirthDate,
        String patientSex,
        int rows,
        int columns,
        int numberOfFrames,
        int samplesPerPixel,
        int bitsAllocated,
        int bitsStored,
        String photometricInterpretation,
        SourceStudy source) {

    static final AttributeTag REQUESTED_PROCEDURE_PRIORITY = new AttributeTag(0x0040, 0x1003);
    /** (0040,2016) Placer Order Number / Imaging Service Request. */
    static final AttributeTag PLACER_ORDER_NUMBER = new AttributeTag(0x0040, 0x2016);
    /** (0032,1064) Requested Procedure Code Sequence. */
    static final AttributeTag REQUESTED_PROCEDURE_CODE_SEQUENCE = new AttributeTag(0x0032, 0x1064);

    public static InstanceHeader of(AttributeList list) {
        return new InstanceHeader(
                s(list, TagFromName.SOPClassUID),
                s(list, TagFromName.SOPInstanceUID),
                s(list, TagFromName.StudyInstanceUID),
                s(list, TagFromName.SeriesInstanceUID),
                s(list, TagFromName.AccessionNumber),
                upper(s(list, TagFromName.Modality)),
                upper(s(list, TagFromName.BodyPartExamined)),
                s(list, TagFromName.ProtocolName),
                s(list, TagFromName.StudyDescription),
                s(list, TagFromName.SeriesDescription),
                upper(s(list, TagFromName.ViewPosition)),
                upper(priority(list)),
                s(list, TagFromName.CurrentPatientLocation),
                s(list, TagFromName.InstitutionalDepartmentName),
                s(list, TagFromName.RequestingService),
                s(list, TagFromName.InstitutionName),
                date(s(list, TagFromName.StudyDate)),
                s(list, TagFromName.PatientID),
                s(list, TagFromName.IssuerOfPatientID),
                s(list, TagFromName.PatientName),
                date(s(list, TagFromName.PatientBirthDate)),
                s(list, TagFromName.PatientSex),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0),
                Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1)),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, 0),
                upper(s(list, TagFromName.PhotometricInterpretation)),
                new SourceStudy(
                        s(list, TagFromName.SeriesInstanceUID),
                        s(list, TagFromName.SOPClassUID),
                        date(s(list, TagFromName.StudyDate)),
                        s(list, TagFromName.StudyTime),
                        s(list, TagFromName.StudyID),
                        s(list, TagFromName.ReferringPhysicianName),
                        placerOrderNumber(list),
                        procedure(list),
                        "DICOM"));
    }

    /** Placer Order Number / Imaging Service Request: top level, or in the first Request Attributes Sequence item. */
    private static String placerOrderNumber(AttributeList list) {
        String top = s(list, PLACER_ORDER_NUMBER);
        if (top != null) {
            return top;
        }
        AttributeList request = firstItem(list, TagFromName.RequestAttributesSequence);
        return request == null ? null : s(request, PLACER_ORDER_NUMBER);
    }

    /** Requested Procedure Code Sequence (top level or in the request), else Procedure Code Sequence: first item. */
    private static SourceStudy.Procedure procedure(AttributeList list) {
        AttributeList request = firstItem(list, TagFromName.RequestAttributesSequence);
        AttributeList code = firstItem(list, REQUESTED_PROCEDURE_CODE_SEQUENCE);
        if (code == null && request != null) {
            code = firstItem(request, REQUESTED_PROCEDURE_CODE_SEQUENCE);
        }
        if (code == null) {
            code = firstItem(list, TagFromName.ProcedureCodeSequence);
        }
        String value = code == null ? null : s(code, TagFromName.CodeValue);
        return value == null
                ? null
                : new SourceStudy.Procedure(
                        value, s(code, TagFromName.CodingSchemeDesignator), s(code, TagFromName.CodeMeaning));
    }

    private static AttributeList firstItem(AttributeList list, AttributeTag tag) {
        return list.get(tag) instanceof SequenceAttribute sa && sa.getNumberOfItems() > 0
                ? sa.getItem(0).getAttributeList()
                : null;
    }

    /** Whether the header has an image pixel module at all (rows, columns, bits allocated). */
    public boolean hasImagePixelModule() {
        return rows > 0 && columns > 0 && bitsAllocated > 0;
    }

    /** Requested Procedure Priority: top level, or in the first Request Attributes Sequence item. */
    private static String priority(AttributeList list) {
        String top = s(list, REQUESTED_PROCEDURE_PRIORITY);
        if (top != null) {
            return top;
        }
        Attribute seq = list.get(TagFromName.RequestAttributesSequence);
        if (seq instanceof SequenceAttribute sa && sa.getNumberOfItems() > 0) {
            return s(sa.getItem(0).getAttributeList(), REQUESTED_PROCEDURE_PRIORITY);
        }
        return null;
    }

    private static String s(AttributeList list, AttributeTag tag) {
        String v = Attribute.getSingleStringValueOrNull(list, tag);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String upper(String v) {
        return v == null ? null : v.toUpperCase(java.util.Locale.ROOT);
    }

    private static LocalDate date(String da) {
        if (da == null || da.length() < 8) {
            return null;
        }
        try {
            return LocalDate.parse(da.substring(0, 8), DateTimeFormatter.BASIC_ISO_DATE);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

package org.cxrplatform.ingest.select;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What ingest reads from an instance's header (everything before Pixel Data): identifiers,
 * routing and selection facts, the image pixel module, and patient identity.
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
        String photometricInterpretation) {

    static final AttributeTag REQUESTED_PROCEDURE_PRIORITY = new AttributeTag(0x0040, 0x1003);

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
                upper(s(list, TagFromName.PhotometricInterpretation)));
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

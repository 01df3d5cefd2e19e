package org.cxrplatform.ingest.backlog;

import java.time.LocalDate;

/**
 * What a backlog job pulls: studies in a date range, optionally one modality and one body part.
 *
 * @param from     first Study Date, inclusive
 * @param to       last Study Date, inclusive
 * @param modality series Modality (CR, DX...), null for any
 * @param bodyPart series Body Part Examined (CHEST...), null for any
 */
public record JobRequest(LocalDate from, LocalDate to, String modality, String bodyPart) {

    public JobRequest {
        if (from == null || to == null) {
            throw new IllegalArgumentException("from and to are required (yyyy-MM-dd)");
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        modality = blankToNull(modality);
        bodyPart = blankToNull(bodyPart);
        if (modality != null && !modality.matches("[A-Z]{1,16}")) {
            throw new IllegalArgumentException("modality must be a DICOM modality code such as CR or DX");
        }
        if (bodyPart != null && !bodyPart.matches("[A-Z0-9 _]{1,16}")) {
            throw new IllegalArgumentException("bodyPart must be a Body Part Examined code such as CHEST");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim().toUpperCase(java.util.Locale.ROOT);
    }
}

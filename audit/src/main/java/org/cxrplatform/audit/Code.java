package org.cxrplatform.audit;

/**
 * A coded value as DICOM audit messages carry it: {@code csd-code}, {@code codeSystemName},
 * {@code originalText} (PS3.15 A.5.1).
 */
public record Code(String code, String system, String text) {

    static Code dcm(String code, String text) {
        return new Code(code, "DCM", text);
    }

    static Code rfc3881(String code, String text) {
        return new Code(code, "RFC-3881", text);
    }
}

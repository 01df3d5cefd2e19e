package org.cxrplatform.audit;

/** EventOutcomeIndicator (PS3.15 A.5.1). */
public enum Outcome {
    SUCCESS(0),
    MINOR_FAILURE(4),
    SERIOUS_FAILURE(8),
    MAJOR_FAILURE(12);

    private final int code;

    Outcome(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}

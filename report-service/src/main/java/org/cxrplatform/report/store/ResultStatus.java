package org.cxrplatform.report.store;

/**
 * What a report change means to the receiving systems. HL7 table 0123 (OBR-25) and 0085 (OBX-11).
 * The first signature (accepted, or edited and signed) is FINAL; CORRECTED only follows a final.
 * A rejected AI draft (only ever a preliminary was sent) stays preliminary with every observation
 * withdrawn (OBX-11 W: posted as wrong), so the RIS drops the AI result; the radiologist's own report
 * follows through the RIS as the order's final.
 */
public enum ResultStatus {
    PRELIMINARY("P", "P"),
    FINAL("F", "F"),
    CORRECTED("C", "C"),
    WITHDRAWN("P", "W");

    private final String obr25;
    private final String obx11;

    ResultStatus(String obr25, String obx11) {
        this.obr25 = obr25;
        this.obx11 = obx11;
    }

    public String obr25() {
        return obr25;
    }

    public String obx11() {
        return obx11;
    }
}

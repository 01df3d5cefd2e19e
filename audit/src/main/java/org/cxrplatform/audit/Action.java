package org.cxrplatform.audit;

/** EventActionCode (PS3.15 A.5.1): what was done to the participant objects. */
public enum Action {
    CREATE("C"),
    READ("R"),
    UPDATE("U"),
    DELETE("D"),
    EXECUTE("E");

    private final String code;

    Action(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}

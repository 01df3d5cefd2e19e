package org.cxrplatform.contracts.findings;

/** What a report says about one finding (the CheXpert labeller's four outcomes). */
public enum FindingState {
    /** Affirmed: "small left pleural effusion". */
    PRESENT,
    /** Negated: "no pneumothorax". */
    ABSENT,
    /** Hedged: "cannot exclude consolidation". */
    UNCERTAIN,
    /** The report does not speak of it. */
    NOT_MENTIONED
}

package org.cxrplatform.llava;

/** The reference's three tasks. */
public enum Task {
    /** Radiology report covering atelectasis, cardiomegaly, consolidation, edema, effusion, pneumothorax. */
    REPORT,
    /** Possible differential diagnoses. */
    DIFFERENTIAL,
    /** A free question ({@link GenerationRequest#question()}). */
    QUESTION
}

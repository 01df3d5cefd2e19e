package org.cxrplatform.contracts;

/** The pipeline stage at which a message was given up on. */
public enum Stage {
    INGEST,
    INFERENCE,
    REPORT
}

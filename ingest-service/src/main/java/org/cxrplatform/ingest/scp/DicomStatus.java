package org.cxrplatform.ingest.scp;

/** DIMSE status codes this SCP answers with (PS3.4 Annex B and PS3.7 Annex C). */
public final class DicomStatus {
    public static final int SUCCESS = 0x0000;
    /** Refused: out of resources. Transient: the router should retry (Kafka down, spool full, image too large). */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** Error: data set does not match SOP class (no image pixel module, missing UIDs). */
    public static final int DATASET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** Error: cannot understand (unparseable, truncated header). */
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** Failure: processing failure (an unexpected error inside this node). */
    public static final int PROCESSING_FAILURE = 0x0110;

    private DicomStatus() {}
}

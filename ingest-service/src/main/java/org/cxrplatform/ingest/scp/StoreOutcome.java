package org.cxrplatform.ingest.scp;

/**
 * The C-STORE response status for one instance and, for anything but success, why.
 *
 * @param status  DIMSE status ({@link DicomStatus})
 * @param comment Error Comment (0000,0902) sent to the peer, at most 64 characters; null on success
 */
public record StoreOutcome(int status, String comment) {

    public static final StoreOutcome SUCCESS = new StoreOutcome(DicomStatus.SUCCESS, null);

    public static StoreOutcome failure(int status, String comment) {
        return new StoreOutcome(status, comment);
    }

    public boolean success() {
        return status == DicomStatus.SUCCESS;
    }
}

package org.cxrplatform.report.store;

/** A database failure: transient from the caller's point of view (retry), never a reason to drop an event. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}

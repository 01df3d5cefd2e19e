package org.cxrplatform.report.review;

/** A review request that cannot be applied: unknown report (404) or a status that does not allow it (409). */
public class ReviewException extends RuntimeException {

    private final int status;

    public ReviewException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

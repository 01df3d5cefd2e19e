package org.cxrplatform.report.api;

/**
 * A request that cannot be applied, answered with its HTTP status: bad input (400), nothing with that id
 * (404), or a state that does not allow it (409).
 */
public class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

package org.cxrplatform.ingest.render;

/**
 * An instance that cannot become a model input. {@link #code()} is a short stable tag (metrics,
 * DLQ reason prefix); the message says precisely what is wrong.
 */
public final class RenderException extends Exception {

    private final String code;

    public RenderException(String code, String message) {
        super(message);
        this.code = code;
    }

    public RenderException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

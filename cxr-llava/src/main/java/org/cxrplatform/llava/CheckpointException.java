package org.cxrplatform.llava;

/** A model folder that cannot be used as it is: missing files, unknown model type, missing or mis-shaped tensors. */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}

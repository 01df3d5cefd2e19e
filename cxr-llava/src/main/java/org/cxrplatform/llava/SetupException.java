package org.cxrplatform.llava;

/**
 * The model cannot start as configured on this machine: natives without CUDA for a GPU, a GPU the
 * natives do not see, too little memory for the configured batch and context. The message is one
 * line that names the fix.
 */
public class SetupException extends IllegalStateException {

    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}

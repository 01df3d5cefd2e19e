package org.cxrplatform.ingest.publish;

/** Kafka did not acknowledge a record in time: the instance is not safe downstream. */
public final class PublishException extends Exception {
    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}

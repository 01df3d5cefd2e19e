package org.cxrplatform.contracts;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON form of every event. Readers ignore unknown fields, so a newer writer never breaks
 * an older reader; missing fields read as null, so an older writer never breaks a newer reader.
 * Thread-safe.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private EventJson() {}

    /** A mapper configured like the event codec, for callers that need trees or other types. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serialise " + event.getClass().getSimpleName(), e);
        }
    }

    public static String writeString(Object event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serialise " + event.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads an event and, for an {@link Event}, checks its {@link Event#validate rules}.
     *
     * @throws InvalidEventException when the bytes are not JSON of that type, are JSON {@code null},
     *                               miss a required field or break a rule of the event
     */
    public static <T> T read(byte[] json, Class<T> type) {
        T value;
        try {
            value = MAPPER.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            Throwable cause = e.getCause() instanceof RuntimeException ? e.getCause() : e;
            throw new InvalidEventException("not a valid " + type.getSimpleName() + ": " + cause.getMessage(), e);
        }
        if (value == null) {
            throw new InvalidEventException("empty " + type.getSimpleName(), null);
        }
        if (value instanceof Event event) {
            try {
                event.validate();
            } catch (IllegalArgumentException e) {
                throw new InvalidEventException(e.getMessage(), e);
            }
        }
        return value;
    }

    /** Thrown when a payload cannot be read as the expected event; consumers send it to the DLQ. */
    public static final class InvalidEventException extends RuntimeException {
        public InvalidEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

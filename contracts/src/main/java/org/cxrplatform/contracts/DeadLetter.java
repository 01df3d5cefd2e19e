package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A message the platform gave up on, with why, published on {@link Topics#DLQ}. The original
 * payload is kept byte for byte (base64) so an operator can fix and replay it.
 *
 * @param schemaVersion    version of the schema this event was written with
 * @param stage            where it failed
 * @param reason           a precise, human-readable reason
 * @param errorClass       the exception type, when there was one
 * @param attempts         how many times it was tried
 * @param originalTopic    where it came from (null for inputs that never reached Kafka, such as DICOM files)
 * @param originalKey      its Kafka key
 * @param originalPayload  base64 of the original bytes (for DICOM: a reference to the quarantined file instead)
 * @param payloadRef       where a large original is kept (spool quarantine path), or null
 * @param studyInstanceUid study, when it could be read
 * @param failedAt         when it was given up on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(
        int schemaVersion,
        Stage stage,
        String reason,
        String errorClass,
        int attempts,
        String originalTopic,
        String originalKey,
        String originalPayload,
        String payloadRef,
        String studyInstanceUid,
        Instant failedAt)
        implements Event {

    public static final int SCHEMA_VERSION = 1;
    public static final EventType TYPE = new EventType("org.cxrplatform.deadletter", "dead-letter.v1.json");

    public DeadLetter {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * A Kafka record given up on: its topic, key and value (base64, byte for byte) kept for replay.
     *
     * @param studyInstanceUid the study, when the record could be read far enough; else null
     * @param error            what failed, or null
     */
    public static DeadLetter of(
            Stage stage,
            ConsumerRecord<String, byte[]> original,
            String studyInstanceUid,
            String reason,
            Throwable error,
            int attempts) {
        return new DeadLetter(
                SCHEMA_VERSION,
                stage,
                reason,
                error == null ? null : error.getClass().getName(),
                attempts,
                original.topic(),
                original.key(),
                original.value() == null ? null : Base64.getEncoder().encodeToString(original.value()),
                null,
                studyInstanceUid,
                Instant.now());
    }

    /**
     * An input that never was a Kafka record (a DICOM file), tried once and kept aside at {@code payloadRef}
     * instead of inline.
     */
    public static DeadLetter ofQuarantined(Stage stage, String studyInstanceUid, String reason, String payloadRef) {
        return new DeadLetter(
                SCHEMA_VERSION,
                stage,
                reason,
                null,
                1,
                null,
                studyInstanceUid,
                null,
                payloadRef,
                studyInstanceUid,
                Instant.now());
    }

    @Override
    public EventType type() {
        return TYPE;
    }

    /** The study when known, so a dead letter sorts with the study's other events; else the original key. */
    @Override
    public String key() {
        return studyInstanceUid != null ? studyInstanceUid : originalKey;
    }
}

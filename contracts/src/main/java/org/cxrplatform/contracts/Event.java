package org.cxrplatform.contracts;

/**
 * What every event on the platform's topics knows about itself on the wire: its CloudEvents type
 * and JSON Schema, its Kafka record key, its study, and the rules a reader checks beyond what the
 * record's constructor enforces. {@link EventHeaders#write} and {@link EventJson#read} take these
 * from the event, so no producer or consumer restates them.
 */
public interface Event {

    /** Its CloudEvents type and JSON Schema. */
    EventType type();

    /** The Kafka record key: the Study Instance UID, so all events of one study stay ordered on one partition. */
    default String key() {
        return studyInstanceUid();
    }

    /** The study (CloudEvents {@code subject}), or null when it could not be read. */
    String studyInstanceUid();

    /**
     * Checks what a consumer relies on beyond the constructor's required fields; called by
     * {@link EventJson#read}. Producers may build events a consumer refuses (a blank report text),
     * so these checks are made on reading, not on construction.
     *
     * @throws IllegalArgumentException naming the field that breaks a rule
     */
    default void validate() {}
}

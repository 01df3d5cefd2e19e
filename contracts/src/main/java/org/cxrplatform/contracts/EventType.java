package org.cxrplatform.contracts;

/**
 * What identifies an event type on the wire.
 *
 * @param ceType CloudEvents {@code type}, for example {@code org.cxrplatform.study.ready}
 * @param schema file name of the JSON Schema the current version is written with, under {@code schemas/} on the classpath
 */
public record EventType(String ceType, String schema) {}

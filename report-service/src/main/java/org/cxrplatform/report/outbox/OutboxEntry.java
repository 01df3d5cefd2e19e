package org.cxrplatform.report.outbox;

import java.time.Instant;

/** One message waiting for (or done with) one destination. */
public record OutboxEntry(
        long id,
        String kind,
        String destination,
        String orderKey,
        Long reportPk,
        String alertId,
        String summary,
        String messageId,
        byte[] payload,
        String status,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        Instant createdAt,
        Instant deliveredAt) {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String PARKED = "PARKED";

    public static final String HL7 = "HL7";
    public static final String DICOM_SR = "DICOM_SR";
    public static final String FHIR = "FHIR";
    public static final String WEBHOOK = "WEBHOOK";
}

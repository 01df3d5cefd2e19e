package org.cxrplatform.report.outbox;

import java.util.Objects;

/**
 * A message to queue, as {@link OutboxRepository#insert} takes it. It belongs either to a stored
 * report ({@code reportPk}) or to a critical alert ({@code alertId}), never both.
 *
 * @param kind        which {@link OutboxSender} delivers it ({@link OutboxEntry#HL7}, {@link OutboxEntry#DICOM_SR}, ...)
 * @param destination the receiver (e.g. {@code RIS:ris-a}, {@code PACS}); each destination is drained on its own
 * @param orderKey    its line: the entries of one destination and line are sent strictly in the order queued
 * @param urgent      sent before the non-urgent heads of other lines (critical alert, STAT or priority-1 report)
 * @param summary     what it is, for the logs and the operators' list (e.g. {@code ORU^R01 P <report id>})
 * @param messageId   the id the receiver knows it by (MSH-10, SOP Instance UID, report id, alert id)
 * @param payload     the bytes sent, unchanged, on every attempt
 */
public record OutboxMessage(
        String kind,
        String destination,
        String orderKey,
        boolean urgent,
        Long reportPk,
        String alertId,
        String summary,
        String messageId,
        byte[] payload) {

    public OutboxMessage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(orderKey, "orderKey");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(payload, "payload");
        if ((reportPk == null) == (alertId == null)) {
            throw new IllegalArgumentException("outbox message " + summary
                    + " must belong to a report or to an alert, not to " + (reportPk == null ? "neither" : "both"));
        }
    }

    /** A message about critical alert {@code alertId}: urgent, in a line of its own, known to the receiver by the alert id. */
    public static OutboxMessage ofAlert(
            String alertId, String kind, String destination, String summary, byte[] payload) {
        return new OutboxMessage(kind, destination, "alert:" + alertId, true, null, alertId, summary, alertId, payload);
    }
}

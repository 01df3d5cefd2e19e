package org.cxrplatform.report.outbox;

/**
 * An entry reached its destination ({@code delivered}) or was parked after its last try. Fired
 * synchronously inside the entry's transaction, so observers (the export audit) commit with it.
 */
public record DeliveryFinished(String kind, String destination, Long reportPk, String alertId, boolean delivered) {

    static DeliveryFinished of(OutboxEntry entry, boolean delivered) {
        return new DeliveryFinished(entry.kind(), entry.destination(), entry.reportPk(), entry.alertId(), delivered);
    }
}

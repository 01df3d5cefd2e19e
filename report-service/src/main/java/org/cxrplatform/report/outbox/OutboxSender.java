package org.cxrplatform.report.outbox;

/** Delivers outbox entries of one kind. Implementations are CDI beans; the worker picks by {@link #kind()}. */
public interface OutboxSender {

    String kind();

    /**
     * Sends one entry and returns once the peer confirmed it.
     *
     * @return a short note on the confirmation (for example "AA")
     * @throws Exception when the peer refused, timed out or was unreachable: the entry is retried
     */
    String send(OutboxEntry entry) throws Exception;
}

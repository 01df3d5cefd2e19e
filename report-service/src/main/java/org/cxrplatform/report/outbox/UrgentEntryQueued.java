package org.cxrplatform.report.outbox;

/**
 * Fired when an urgent outbox entry (STAT or priority-1 report, critical alert) is inserted; its
 * transactional observer wakes the outbox worker once the entry is committed.
 */
public record UrgentEntryQueued(String destination) {}

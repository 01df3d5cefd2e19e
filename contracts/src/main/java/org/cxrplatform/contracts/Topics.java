package org.cxrplatform.contracts;

import java.util.List;

/**
 * Every Kafka topic the platform uses, in one place. Keys: Study Instance UID for studies,
 * reports and alerts, so that all events of one study stay ordered on one partition.
 */
public final class Topics {
    /** {@link StudyEvent}s of the emergency lane. */
    public static final String STUDIES_STAT = "cxr.studies.stat";
    /** {@link StudyEvent}s of the backlog lane. */
    public static final String STUDIES_ROUTINE = "cxr.studies.routine";
    /** {@link ReportEvent}s: one per study and model version (re-deliveries carry the same report id). */
    public static final String REPORTS = "cxr.reports";
    /** {@link CriticalAlert}s: raised as soon as a critical finding is seen. */
    public static final String ALERTS = "cxr.alerts";
    /** {@link DeadLetter}s from every stage. */
    public static final String DLQ = "cxr.dlq";

    /** All topics, for creation by operators, launchers and tests. */
    public static final List<String> ALL = List.of(STUDIES_STAT, STUDIES_ROUTINE, REPORTS, ALERTS, DLQ);

    private Topics() {}
}

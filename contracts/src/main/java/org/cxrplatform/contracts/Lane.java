package org.cxrplatform.contracts;

/** The two queues a study can wait in. STAT is drained first; ROUTINE is never starved forever. */
public enum Lane {
    /** Emergency triage: latency first, small batches. */
    STAT,
    /** Hospital-wide backlog: throughput first, large batches. */
    ROUTINE;

    /** The Kafka topic that carries studies of this lane. */
    public String topic() {
        return this == STAT ? Topics.STUDIES_STAT : Topics.STUDIES_ROUTINE;
    }
}

package org.cxrplatform.ingest.pipeline;

/**
 * Lets the backlog job manager recognise the instances it pulled with C-MOVE and count them.
 * Implementations must be thread-safe: associations call it concurrently.
 */
public interface BacklogHook {

    /** The backlog job that requested this instance, or null when it was pushed by a router. */
    String jobOf(String sopInstanceUid);

    /** Called once the pulled instance is settled: queued (event acknowledged) or failed/skipped with a reason. */
    void settled(String sopInstanceUid, boolean queued, String reason);

    BacklogHook NONE = new BacklogHook() {
        @Override
        public String jobOf(String sopInstanceUid) {
            return null;
        }

        @Override
        public void settled(String sopInstanceUid, boolean queued, String reason) {}
    };
}

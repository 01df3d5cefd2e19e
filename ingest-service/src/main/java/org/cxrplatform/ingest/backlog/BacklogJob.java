package org.cxrplatform.ingest.backlog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A backlog job's persisted state: the request, the instances the C-FIND found and what became
 * of each. Saved as JSON after every change, so a restarted service resumes where it stopped.
 * Mutable; guarded by the owning {@link BacklogService}.
 */
public final class BacklogJob {

    public enum State {
        QUEUED,
        FINDING,
        RETRIEVING,
        DONE,
        FAILED
    }

    public enum ItemState {
        PENDING,
        RETRIEVED,
        QUEUED,
        SKIPPED,
        FAILED
    }

    /** One instance found on the PACS. */
    public static final class Item {
        public String studyInstanceUid;
        public String seriesInstanceUid;
        public String sopInstanceUid;
        public ItemState state = ItemState.PENDING;
        public String reason;

        public Item() {}

        Item(String study, String series, String sop) {
            this.studyInstanceUid = study;
            this.seriesInstanceUid = series;
            this.sopInstanceUid = sop;
        }
    }

    public String id;
    public JobRequest request;
    public State state = State.QUEUED;
    public Instant createdAt;
    public Instant updatedAt;
    public String error;
    public boolean found;
    public List<Item> items = new ArrayList<>();

    /** The progress view served by GET /jobs/{id}. */
    public record Progress(
            String id,
            State state,
            JobRequest request,
            int found,
            int retrieved,
            int queued,
            int skipped,
            int failed,
            int pending,
            String error,
            Instant createdAt,
            Instant updatedAt) {}

    Progress progress() {
        int retrieved = 0;
        int queued = 0;
        int skipped = 0;
        int failed = 0;
        int pending = 0;
        for (Item i : items) {
            switch (i.state) {
                case PENDING -> pending++;
                case RETRIEVED -> retrieved++;
                case QUEUED -> {
                    retrieved++;
                    queued++;
                }
                case SKIPPED -> {
                    retrieved++;
                    skipped++;
                }
                case FAILED -> failed++;
            }
        }
        return new Progress(
                id,
                state,
                request,
                items.size(),
                retrieved,
                queued,
                skipped,
                failed,
                pending,
                error,
                createdAt,
                updatedAt);
    }
}

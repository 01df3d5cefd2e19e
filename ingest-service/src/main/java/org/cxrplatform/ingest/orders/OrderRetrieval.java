package org.cxrplatform.ingest.orders;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.ingest.backlog.PacsClient;

/**
 * Retrieves the study of a completed order from the PACS: C-FIND by accession number, C-MOVE of
 * each study found to our SCP. The study may reach the PACS after the order completes, so a miss or
 * a PACS error is retried {@code attempts} times, {@code retryDelay} apart, on a small pool of
 * background threads; every outcome is recorded on the order ({@link OrderTracker}).
 *
 * <p>Thread-safe.
 */
final class OrderRetrieval implements AutoCloseable {

    private final OrderTracker tracker;
    private final PacsClient pacs;
    private final int attempts;
    private final Duration retryDelay;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "order-retrieval");
        t.setDaemon(true);
        return t;
    });

    OrderRetrieval(OrderTracker tracker, PacsClient pacs, int attempts, Duration retryDelay) {
        this.tracker = tracker;
        this.pacs = pacs;
        this.attempts = attempts;
        this.retryDelay = retryDelay;
    }

    /** Starts retrieving an order in the RETRIEVING state, in the background. */
    void start(String accessionNumber) {
        executor.submit(() -> attempt(accessionNumber, 1));
    }

    private void attempt(String acc, int attempt) {
        if (!tracker.stillToRetrieve(acc)) {
            return;
        }
        String problem;
        try {
            List<String> studies = pacs.studiesByAccession(acc);
            if (!studies.isEmpty()) {
                for (String study : studies) {
                    pacs.moveStudy(study);
                }
                tracker.retrieved(acc, studies.size());
                return;
            }
            problem = "no study with accession number " + acc + " on the PACS";
        } catch (Exception e) {
            problem = "PACS: " + e.getMessage();
        }
        if (attempt >= attempts) {
            tracker.failed(acc, problem + " (gave up after " + attempt + " attempts)");
            return;
        }
        tracker.retrying(acc, problem + " (attempt " + attempt + ", retrying)");
        executor.schedule(() -> attempt(acc, attempt + 1), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

package org.cxrplatform.ingest.support;

import com.pixelmed.network.VerificationSOPClassSCU;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A C-ECHO from the test's own JVM (PixelMed's Verification SCU: a new association, C-ECHO-RQ, the response's
 * status checked, A-RELEASE), bounded by a time limit. Milliseconds per check where an {@code echoscu} process costs
 * a quarter of a second on a loaded machine: what a check after every instance of a large corpus needs.
 */
public final class Echo {

    /** @param detail why not, when the SCP did not answer success */
    public record Result(boolean ok, String detail) {}

    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "c-echo");
        t.setDaemon(true); // a peer that never answers must not keep the test JVM alive
        return t;
    });

    private Echo() {}

    /** One association to {@code calledAe} at 127.0.0.1:{@code port}; an answer must come within {@code timeout}. */
    public static Result verify(String callingAe, String calledAe, int port, Duration timeout) {
        Future<?> call = CALLS.submit(() -> {
            new VerificationSOPClassSCU("127.0.0.1", port, calledAe, callingAe, false);
            return null;
        });
        try {
            call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(true, "success");
        } catch (TimeoutException e) {
            call.cancel(true);
            return new Result(false, "no C-ECHO answer within " + timeout);
        } catch (ExecutionException e) {
            return new Result(false, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }
}

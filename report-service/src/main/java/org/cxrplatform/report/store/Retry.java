package org.cxrplatform.report.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a store operation until it succeeds. A lost database (SQLState class 08, 57P) is waited out
 * for as long as it takes (the record stays uncommitted on Kafka meanwhile); any other failure is
 * tried {@code maxAttempts} times and then rethrown for the dead-letter path.
 */
public final class Retry {

    private static final Logger LOG = Logger.getLogger(Retry.class);

    private Retry() {}

    public static <T> T store(String what, int maxAttempts, Supplier<T> op) {
        Duration wait = Duration.ofMillis(200);
        for (int attempt = 1; ; attempt++) {
            try {
                return op.get();
            } catch (RuntimeException e) {
                boolean unreachable = isConnectionLoss(e);
                if (!unreachable && attempt >= maxAttempts) {
                    throw e;
                }
                LOG.warnf(
                        "attempt %d to store %s failed (%s), retrying in %d ms",
                        attempt, what, e.getMessage(), wait.toMillis());
                sleep(wait);
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                        ? Duration.ofSeconds(30)
                        : wait.multipliedBy(2);
            }
        }
    }

    static boolean isConnectionLoss(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", ie);
        }
    }
}

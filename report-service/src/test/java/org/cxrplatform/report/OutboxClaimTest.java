package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxMessage;
import org.cxrplatform.report.outbox.OutboxRepository;
import org.junit.jupiter.api.Test;

/**
 * What a sender may claim (lock for sending) on the real database: a sender works through a list of
 * line heads read earlier, so with two replicas the list can be stale by the time it locks an entry;
 * the lock must still refuse an entry that an earlier pending one of its line now precedes. The
 * entries are written in a transaction that is rolled back, so no worker of the running service
 * ever sees them.
 */
@QuarkusTest
class OutboxClaimTest {

    @Inject
    OutboxRepository outbox;

    @Test
    void onlyTheHeadOfALineCanBeClaimedAndTheNextOneOnceItIsDelivered() {
        QuarkusTransaction.begin();
        try {
            String destination = "CLAIM:" + UUID.randomUUID();
            long first = outbox.insert(message(destination, "line-1", "first"));
            long second = outbox.insert(message(destination, "line-1", "second"));
            long other = outbox.insert(message(destination, "line-2", "other"));

            assertThat(outbox.lockDue(second))
                    .as("second of its line, behind a pending entry")
                    .isEmpty();
            assertThat(outbox.lockDue(first)).as("head of its line").isPresent();
            assertThat(outbox.lockDue(other)).as("head of another line").isPresent();

            outbox.markDelivered(first, "AA");
            assertThat(outbox.lockDue(second))
                    .as("head once the first is delivered")
                    .isPresent();
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    private static OutboxMessage message(String destination, String line, String name) {
        return new OutboxMessage(
                OutboxEntry.FHIR,
                destination,
                line,
                false,
                null,
                "alert-" + name,
                name,
                name,
                name.getBytes(StandardCharsets.UTF_8));
    }
}

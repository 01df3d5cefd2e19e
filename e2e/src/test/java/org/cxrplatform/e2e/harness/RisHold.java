package org.cxrplatform.e2e.harness;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.testsupport.RisPeer;

/**
 * The RIS holds its answer to the first ORU of some accessions, so the sender has provably claimed
 * that outbox entry and waits for its ACK while the test acts (kills the sender). Closing it lets the
 * RIS answer (to whatever connection is left) and removes the hook.
 */
public final class RisHold implements AutoCloseable {

    private final RisPeer ris;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile String accession;
    private volatile int senderPort;

    private RisHold(RisPeer ris) {
        this.ris = ris;
    }

    /** Holds the first ORU of {@code accessions} that arrives, from whichever sender. */
    public static RisHold firstOf(RisPeer ris, Set<String> accessions) {
        RisHold hold = new RisHold(ris);
        ris.beforeAnswerFrom((accession, port) -> {
            if (!accessions.contains(accession) || hold.holding.getCount() == 0) {
                return;
            }
            hold.accession = accession;
            hold.senderPort = port;
            hold.holding.countDown();
            try {
                hold.release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return hold;
    }

    /** Whether an ORU is held within {@code timeout}. */
    public boolean await(Duration timeout) throws InterruptedException {
        return holding.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The held ORU's accession (OBR-18). */
    public String accession() {
        return accession;
    }

    /** The sender's end of the connection the held ORU came on (its local TCP port). */
    public int senderPort() {
        return senderPort;
    }

    @Override
    public void close() {
        release.countDown();
        ris.beforeAnswer(a -> {});
    }
}

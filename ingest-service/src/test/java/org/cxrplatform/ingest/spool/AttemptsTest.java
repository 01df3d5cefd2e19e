package org.cxrplatform.ingest.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poison-replay count on its real folder; a new {@link Attempts} on the same folder is what a restart sees (the
 * one before it left its counters as a killed run leaves them). The kill -9 of the packaged service is
 * {@code PoisonReplayPackagedTest}.
 */
class AttemptsTest {

    private static final String UID = "1.2.826.0.1.3680043.8.498.1";

    @TempDir
    Path dir;

    @Test
    void aRunThatDiesCountsOnceHoweverManyCopiesItWasDecoding() throws Exception {
        Attempts first = new Attempts(dir);
        first.begin(UID);
        first.begin(UID); // a second copy of the same instance
        first.end(UID); // one of them done: the other is still being decoded

        Attempts second = new Attempts(dir);
        assertThat(second.deaths(UID)).isEqualTo(1);
        second.begin(UID);

        assertThat(new Attempts(dir).deaths(UID)).as("a second run that died").isEqualTo(2);
    }

    @Test
    void aDecodeThatEndsClearsTheRecordOnceTheLastCopyIsDone() throws Exception {
        Attempts first = new Attempts(dir);
        first.begin(UID);
        Attempts second = new Attempts(dir);
        second.begin(UID);
        second.begin(UID);
        second.end(UID);
        assertThat(new Attempts(dir).deaths(UID)).as("one copy still decoding").isEqualTo(2);

        second.end(UID);
        assertThat(second.deaths(UID)).isZero();
        assertThat(new Attempts(dir).deaths(UID)).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void forgetDropsTheRecordButNotWhileACopyIsBeingDecoded() throws Exception {
        new Attempts(dir).begin(UID);
        Attempts second = new Attempts(dir);
        second.begin(UID);
        second.forget(UID);
        assertThat(new Attempts(dir).deaths(UID)).isEqualTo(2);

        Attempts third = new Attempts(dir);
        third.forget(UID);
        assertThat(third.deaths(UID)).isZero();
        assertThat(new Attempts(dir).deaths(UID)).isZero();
    }

    @Test
    void aWriteCutShortByTheDeathLeavesThePreviousCount() throws Exception {
        new Attempts(dir).begin(UID);
        Files.writeString(dir.resolve(Spool.uidFile(UID) + ".tmp"), ""); // the next run died writing its count

        Attempts next = new Attempts(dir);
        assertThat(next.deaths(UID)).isEqualTo(1);
        assertThat(dir.resolve(Spool.uidFile(UID) + ".tmp")).doesNotExist();
    }
}

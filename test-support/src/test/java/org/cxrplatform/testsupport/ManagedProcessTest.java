package org.cxrplatform.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {

    @Test
    void startsAgainWithTheSameCommandAppendingToOneLogAndReportsHowItEnded(@TempDir Path dir) throws Exception {
        ManagedProcess p = new ManagedProcess(
                "sh", List.of("sh", "-c", "echo run $RUN; exec sleep 60"), Map.of("RUN", "x"), dir.resolve("sh.log"));
        assertThatThrownBy(p::exitValue).isInstanceOf(IllegalStateException.class);
        p.start();
        assertThat(p.alive()).isTrue();
        awaitLines(p, "run x", 1); // killed before its first line, the first run would leave nothing in the log
        p.kill9();
        assertThat(p.alive()).isFalse();
        assertThat(p.exitValue()).as("SIGKILL").isEqualTo(137);
        p.start();
        awaitLines(p, "run x", 2);
        p.stop(Duration.ofSeconds(10));
        assertThat(p.exitValue()).as("SIGTERM").isEqualTo(143);
        assertThat(p.starts()).isEqualTo(2);
        assertThat(p.grep("run x")).hasSize(2);
    }

    private static void awaitLines(ManagedProcess p, String line, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (p.grep(line).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void tellsWhetherItHoldsTheTcpSocketOnAPort(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket server =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ManagedProcess client = new ManagedProcess(
                    "bash",
                    List.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; exec sleep 60"),
                    Map.of(),
                    dir.resolve("bash.log"));
            client.start();
            try (java.net.Socket accepted = server.accept()) {
                assertThat(client.hasTcpSocketOn(accepted.getPort()))
                        .as("the client's end of the connection")
                        .isTrue();
                assertThat(client.hasTcpSocketOn(accepted.getLocalPort()))
                        .as("the server's port, which this JVM holds")
                        .isFalse();
            } finally {
                client.kill9();
            }
            assertThat(client.hasTcpSocketOn(server.getLocalPort()))
                    .as("not running")
                    .isFalse();
        }
    }
}

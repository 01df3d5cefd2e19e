package org.cxrplatform.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.testsupport.ManagedProcess;
import org.cxrplatform.testsupport.ServiceProcess;

/**
 * The Kafka broker (KRaft, devstack's {@code DevstackMain kafka}) as its own JVM, so a campaign can
 * kill -9 it and start it again on the same port and data directory.
 */
public final class KafkaProcess extends ManagedProcess {

    private final int port;

    private KafkaProcess(List<String> command, Path log, int port) {
        super("kafka", command, Map.of(), log);
        this.port = port;
    }

    public static KafkaProcess create(Path dataDir, Path logDir) {
        int port = FreePorts.next();
        List<String> cmd = new ArrayList<>(List.of(
                ManagedProcess.javaExecutable(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-cp",
                Java.testClassPath(),
                "org.cxrplatform.devstack.DevstackMain",
                "kafka",
                dataDir.toString(),
                String.valueOf(port)));
        cmd.addAll(Topics.ALL);
        return new KafkaProcess(cmd, logDir.resolve("kafka.log"), port);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker and waits for its {@code READY} line. */
    public KafkaProcess startAndWait(Duration timeout) {
        int before = grep("READY ").size();
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (grep("READY ").size() <= before) {
            if (!alive()) {
                throw new IllegalStateException("Kafka exited during start-up:\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka not ready after " + timeout + ":\n" + tail(40));
            }
            ServiceProcess.sleep(200);
        }
        return this;
    }

    static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

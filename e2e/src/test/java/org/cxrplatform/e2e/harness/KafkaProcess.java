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
import org.cxrplatform.testsupport.TestTls;

/**
 * The Kafka broker (KRaft, devstack's {@code DevstackMain kafka}) as its own JVM, so a campaign can
 * kill -9 it and start it again on the same ports and data directory. Two listeners: TLS for the
 * services ({@link #sslBootstrapServers()}, the certificate of {@code identity}), plain text for the
 * tests' own readers and writers ({@link #bootstrapServers()}).
 */
public final class KafkaProcess extends ManagedProcess {

    private final int port;
    private final int sslPort;

    private KafkaProcess(List<String> command, Path log, int port, int sslPort) {
        super("kafka", command, Map.of(), log);
        this.port = port;
        this.sslPort = sslPort;
    }

    public static KafkaProcess create(Path dataDir, Path logDir, TestTls.Identity identity) {
        int port = FreePorts.next();
        int sslPort = FreePorts.next();
        List<String> cmd = new ArrayList<>(List.of(
                ManagedProcess.javaExecutable(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Dcxr.devstack.kafka.ssl-port=" + sslPort,
                "-Dcxr.devstack.kafka.ssl-keystore=" + identity.keyStore(),
                "-Dcxr.devstack.kafka.ssl-password=" + TestTls.PASSWORD,
                "-cp",
                Java.testClassPath(),
                "org.cxrplatform.devstack.DevstackMain",
                "kafka",
                dataDir.toString(),
                String.valueOf(port)));
        cmd.addAll(Topics.ALL);
        return new KafkaProcess(cmd, logDir.resolve("kafka.log"), port, sslPort);
    }

    /** The plain-text listener: the tests' readers, writers and admin. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The TLS listener: the services. */
    public String sslBootstrapServers() {
        return "127.0.0.1:" + sslPort;
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

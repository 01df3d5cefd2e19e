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
 * A Kafka broker (KRaft, devstack's {@code DevstackMain kafka}) as its own JVM, so a campaign can
 * kill -9 it and start it again on the same ports and data directory; or each node of a cluster
 * ({@link #cluster}, {@code DevstackMain kafka-node}), each its own JVM. Two listeners on every node:
 * TLS for the services ({@link #sslBootstrapServers()}, the certificate of {@code identity}), plain
 * text for the tests' own readers and writers ({@link #bootstrapServers()}).
 */
public final class KafkaProcess extends ManagedProcess {

    private final int port;
    private final int sslPort;
    private final int nodeId;

    private KafkaProcess(String name, List<String> command, Path log, int port, int sslPort, int nodeId) {
        super(name, command, Map.of(), log);
        this.port = port;
        this.sslPort = sslPort;
        this.nodeId = nodeId;
    }

    public static KafkaProcess create(Path dataDir, Path logDir, TestTls.Identity identity) {
        int port = FreePorts.next();
        int sslPort = FreePorts.next();
        List<String> args = new ArrayList<>(List.of("kafka", dataDir.toString(), String.valueOf(port)));
        args.addAll(Topics.ALL);
        return new KafkaProcess(
                "kafka", devstackMain(args, sslPort, identity), logDir.resolve("kafka.log"), port, sslPort, 1);
    }

    /** {@code java ... DevstackMain ARGS} with this test JVM's class path and a TLS listener on {@code sslPort}. */
    private static List<String> devstackMain(List<String> args, int sslPort, TestTls.Identity identity) {
        List<String> cmd = new ArrayList<>(List.of(
                ManagedProcess.javaExecutable(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Dcxr.devstack.kafka.ssl-port=" + sslPort,
                "-Dcxr.devstack.kafka.ssl-keystore=" + identity.keyStore(),
                "-Dcxr.devstack.kafka.ssl-password=" + TestTls.PASSWORD,
                "-cp",
                Java.testClassPath(),
                "org.cxrplatform.devstack.DevstackMain"));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * The nodes of a KRaft cluster of {@code nodes} combined broker/controller JVMs (not started):
     * node i as {@code kafka-i} with its data under {@code dataDir/node-i}. Topics are the caller's to
     * create once all run (replication = nodes up to 3, {@code min.insync.replicas} 2).
     */
    public static List<KafkaProcess> cluster(Path dataDir, Path logDir, int nodes, TestTls.Identity identity) {
        List<Integer> ports = new ArrayList<>();
        List<Integer> sslPorts = new ArrayList<>();
        List<Integer> controllers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ports.add(FreePorts.next());
            sslPorts.add(FreePorts.next());
            controllers.add(FreePorts.next());
        }
        String controllerList =
                String.join(",", controllers.stream().map(String::valueOf).toList());
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        List<KafkaProcess> out = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            List<String> cmd = devstackMain(
                    List.of(
                            "kafka-node",
                            dataDir.resolve("node-" + i).toString(),
                            String.valueOf(ports.get(i - 1)),
                            String.valueOf(i),
                            controllerList,
                            clusterId),
                    sslPorts.get(i - 1),
                    identity);
            out.add(new KafkaProcess(
                    "kafka-" + i,
                    cmd,
                    logDir.resolve("kafka-" + i + ".log"),
                    ports.get(i - 1),
                    sslPorts.get(i - 1),
                    i));
        }
        return out;
    }

    /** The node id (1 for a single broker). */
    public int nodeId() {
        return nodeId;
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
        start();
        return awaitReady(timeout);
    }

    /** Waits until the running start printed its {@code READY} line (one per start, counted in the appended log). */
    public KafkaProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (grep("READY ").size() < starts()) {
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

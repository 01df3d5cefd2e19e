package org.cxrplatform.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller) running inside this JVM:
 * alone, or as one node of a cluster ({@link #member}) whose other nodes run in other JVMs.
 * Its log directory and ports survive {@link #stop()} / {@link #start()}, so tests can restart
 * the broker under a running producer exactly as an operator would restart a pod.
 *
 * <p>Not thread-safe: start and stop from one thread.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final int nodeId;
    private final String voters;
    private final int replication;
    /** Zero: no TLS listener. */
    private int sslPort;

    private Path sslKeyStore;
    private String sslPassword;
    private KafkaRaftServer server;

    /**
     * @param logDir where the broker keeps its data (created and formatted on first start)
     * @param port   the client port, 0 for any free port
     */
    public KafkaBroker(Path logDir, int port) {
        this.logDir = logDir;
        this.port = port == 0 ? FreePorts.next() : port;
        // The client port may have been picked by another JVM (a launcher), so FreePorts cannot know it.
        int controller = FreePorts.next();
        while (controller == this.port) {
            controller = FreePorts.next();
        }
        this.controllerPort = controller;
        this.clusterId = Uuid.randomUuid().toString();
        this.nodeId = 1;
        this.voters = "1@127.0.0.1:" + controller;
        this.replication = 1;
    }

    private KafkaBroker(
            Path logDir, int port, int controllerPort, int nodeId, String voters, String clusterId, int replication) {
        this.logDir = logDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.nodeId = nodeId;
        this.voters = voters;
        this.clusterId = clusterId;
        this.replication = replication;
    }

    /**
     * One node of a KRaft cluster of {@code controllerPorts.size()} combined broker/controller nodes
     * on this host (node ids 1..n, node i's controller on {@code controllerPorts.get(i - 1)}). Every
     * node must be given the same ports and cluster id. Internal topics and new topics get one
     * replica per node (at most 3) and {@code min.insync.replicas} 2, so the cluster keeps
     * accepting {@code acks=all} writes with one node down.
     *
     * @param clusterId the cluster's id, e.g. {@code Uuid.randomUuid().toString()}, the same for every node
     */
    public static KafkaBroker member(
            Path logDir, int port, int nodeId, List<Integer> controllerPorts, String clusterId) {
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < controllerPorts.size(); i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts.get(i));
        }
        return new KafkaBroker(
                logDir,
                port,
                controllerPorts.get(nodeId - 1),
                nodeId,
                voters.toString(),
                clusterId,
                Math.min(3, controllerPorts.size()));
    }

    /**
     * Adds a TLS listener (security protocol SSL) beside the plain-text one, presenting the key in
     * {@code keyStore} (PKCS12, {@code password} for the store and the key); call before {@link #start()}.
     * Clients that should prove they use TLS go to {@link #sslBootstrapServers()}; tools of the tests
     * may stay on the plain-text port.
     *
     * @param port 0 for any free port
     */
    public synchronized KafkaBroker withSslListener(int port, Path keyStore, String password) {
        if (server != null) {
            throw new IllegalStateException("the TLS listener is configured before start()");
        }
        int p = port == 0 ? FreePorts.next() : port;
        while (p == this.port || p == controllerPort) {
            p = FreePorts.next();
        }
        this.sslPort = p;
        this.sslKeyStore = keyStore;
        this.sslPassword = password;
        return this;
    }

    /** Formats the log directory if it is new and starts the broker; returns once it accepts clients. */
    public synchronized KafkaBroker start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(logDir);
            Path config = logDir.resolve("server.properties");
            Properties props = properties();
            try (Writer w = Files.newBufferedWriter(config)) {
                props.store(w, "devstack KRaft broker");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int rc = StorageTool.execute(
                        new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"},
                        new PrintStream(out, true, StandardCharsets.UTF_8));
                if (rc != 0) {
                    throw new IllegalStateException(
                            "kafka storage format failed: " + out.toString(StandardCharsets.UTF_8));
                }
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            awaitReady();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka in " + logDir, e);
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", voters);
        String ssl = sslPort == 0 ? "" : ",SSL://127.0.0.1:" + sslPort;
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort + ssl);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ssl);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL");
        if (sslPort != 0) {
            p.put(
                    "listener.name.ssl.ssl.keystore.location",
                    sslKeyStore.toAbsolutePath().toString());
            p.put("listener.name.ssl.ssl.keystore.type", "PKCS12");
            p.put("listener.name.ssl.ssl.keystore.password", sslPassword);
            p.put("listener.name.ssl.ssl.key.password", sslPassword);
        }
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        // Internal topics cannot have more replicas than brokers; in a cluster, two in sync keep a write durable.
        String replicas = String.valueOf(replication);
        String minInSync = String.valueOf(Math.min(2, replication));
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minInSync);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minInSync);
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minInSync);
        if (replication > 1) {
            // A node that died without a controlled shutdown keeps leading its partitions until the controller
            // fences it: 4 s instead of 9 s, on this host where heartbeats are never slow for network reasons.
            p.put("broker.session.timeout.ms", "4000");
            p.put("broker.heartbeat.interval.ms", "1000");
        }
        // Tests join consumer groups constantly; the default 3 s delay would dominate them.
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB dedupe buffer is far more than a test broker needs.
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("num.partitions", "3");
        p.put("auto.create.topics.enable", "true");
        return p;
    }

    private void awaitReady() {
        // A cluster node is ready once a quorum of controllers has formed, so allow for its peers' start-up.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(replication > 1 ? 180 : 60);
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = new IllegalStateException("Kafka at " + bootstrapServers() + " not ready", e);
            }
        }
        throw last;
    }

    /** Creates the topics that do not exist yet (one replica per node, at most 3). */
    public void createTopics(Collection<String> topics, int partitions) {
        createTopics(bootstrapServers(), topics, partitions, replication);
    }

    /**
     * Creates the topics that do not exist yet on the cluster at {@code bootstrapServers}, each with
     * {@code replication} replicas (a cluster's nodes must all have registered).
     */
    public static void createTopics(
            String bootstrapServers, Collection<String> topics, int partitions, int replication) {
        try (Admin admin = admin(bootstrapServers)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, partitions, (short) replication));
                }
            }
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics " + topics, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + topics, e);
        }
    }

    public Admin admin() {
        return admin(bootstrapServers());
    }

    /** An admin client with short time-outs for the broker or cluster at {@code bootstrapServers}. */
    public static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                20_000));
    }

    /** For clients: {@code 127.0.0.1:port}. Stable across restarts. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** For TLS clients: {@code 127.0.0.1:sslPort}; only with {@link #withSslListener}. */
    public String sslBootstrapServers() {
        if (sslPort == 0) {
            throw new IllegalStateException("this broker has no TLS listener (withSslListener)");
        }
        return "127.0.0.1:" + sslPort;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker, keeping its data, as a crash-free shutdown would. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}

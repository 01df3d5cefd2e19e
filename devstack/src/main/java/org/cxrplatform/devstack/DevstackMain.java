package org.cxrplatform.devstack;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one real server in the foreground for local runs (the {@code ./cxr} launcher starts each
 * as a background process):
 * <pre>
 *   java -cp $(cat devstack/target/classpath.txt):devstack/target/classes \
 *        org.cxrplatform.devstack.DevstackMain kafka    DATA_DIR PORT [TOPIC ...]
 *   java ... org.cxrplatform.devstack.DevstackMain postgres DATA_DIR PORT [DATABASE ...]
 *   java ... org.cxrplatform.devstack.DevstackMain kafka-node DATA_DIR PORT NODE_ID CONTROLLER_PORTS CLUSTER_ID
 * </pre>
 * {@code kafka-node} is one node of a KRaft cluster on this host ({@link KafkaBroker#member}):
 * {@code CONTROLLER_PORTS} lists every node's controller port, comma-separated, in node id order;
 * topics are created once every node runs ({@link KafkaBroker#createTopics(String, java.util.Collection, int, int)}).
 * Prints {@code READY <address>} once clients can connect, and stops cleanly on SIGTERM.
 *
 * <p>TLS, for tests that prove the services use it: {@code -Dcxr.devstack.kafka.ssl-port=PORT
 * -Dcxr.devstack.kafka.ssl-keystore=FILE.p12 -Dcxr.devstack.kafka.ssl-password=PW} adds a TLS listener
 * to the broker (see {@link KafkaBroker#withSslListener}); the {@code READY} line then names both ports.
 */
public final class DevstackMain {

    public static void main(String[] args) throws InterruptedException {
        // Kafka exits the JVM on fatal start-up errors and logs through SLF4J, which has no
        // provider here: say why on stderr so the launcher's log shows it.
        org.apache.kafka.common.utils.Exit.setExitProcedure((code, message) -> {
            System.err.println("devstack: Kafka exits with " + code + (message == null ? "" : ": " + message));
            Runtime.getRuntime().halt(code);
        });
        org.apache.kafka.common.utils.Exit.setHaltProcedure((code, message) -> {
            System.err.println("devstack: Kafka halts with " + code + (message == null ? "" : ": " + message));
            Runtime.getRuntime().halt(code);
        });
        try {
            run(args);
        } catch (RuntimeException e) {
            System.err.println("devstack: " + args[0] + " failed to start");
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws InterruptedException {
        if (args.length < 3 || !List.of("kafka", "kafka-node", "postgres").contains(args[0])) {
            System.err.println("usage: DevstackMain kafka|postgres DATA_DIR PORT [TOPIC|DATABASE ...]\n"
                    + "       DevstackMain kafka-node DATA_DIR PORT NODE_ID CONTROLLER_PORTS CLUSTER_ID");
            System.exit(2);
        }
        Path data = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        List<String> names = Arrays.asList(args).subList(3, args.length);
        CountDownLatch stopped = new CountDownLatch(1);
        long t0 = System.nanoTime();
        if (args[0].startsWith("kafka")) {
            KafkaBroker kafka;
            String sslPort = System.getProperty("cxr.devstack.kafka.ssl-port");
            if (args[0].equals("kafka-node")) {
                List<Integer> controllers =
                        Arrays.stream(args[4].split(",")).map(Integer::valueOf).toList();
                kafka = KafkaBroker.member(data, port, Integer.parseInt(args[3]), controllers, args[5]);
            } else {
                kafka = new KafkaBroker(data, port);
            }
            if (sslPort != null) {
                kafka.withSslListener(
                        Integer.parseInt(sslPort),
                        Path.of(System.getProperty("cxr.devstack.kafka.ssl-keystore")),
                        System.getProperty("cxr.devstack.kafka.ssl-password"));
            }
            kafka.start();
            if (args[0].equals("kafka") && !names.isEmpty()) {
                kafka.createTopics(names, 3);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.stop();
                stopped.countDown();
            }));
            System.out.printf(
                    "READY %s%s (%d ms)%n",
                    kafka.bootstrapServers(),
                    sslPort == null ? "" : ", SSL " + kafka.sslBootstrapServers(),
                    (System.nanoTime() - t0) / 1_000_000);
        } else {
            Postgres pg = new Postgres(data, port).start();
            names.forEach(pg::createDatabase);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                pg.stop();
                stopped.countDown();
            }));
            System.out.printf("READY %s (%d ms)%n", pg.jdbcUrl("postgres"), (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.flush();
        stopped.await();
    }

    private DevstackMain() {}
}

package org.cxrplatform.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The infrastructure one test JVM shares: one Kafka broker and one PostgreSQL server, started on
 * first use and stopped when the JVM exits. Set {@code CXR_KAFKA_BOOTSTRAP} to run the tests
 * against an already running broker instead (for example the one {@code ./cxr up} started).
 *
 * <p>Thread-safe.
 */
public final class Devstack {

    private static KafkaBroker kafka;
    private static Postgres postgres;
    private static Path root;

    private Devstack() {}

    /** The shared broker, started on first call (about 3-5 s). */
    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = new KafkaBroker(root().resolve("kafka"), 0).start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "devstack-kafka-stop"));
        }
        return kafka;
    }

    /** Bootstrap servers of the shared broker, or of {@code CXR_KAFKA_BOOTSTRAP} when set. */
    public static String kafkaBootstrap() {
        String external = System.getenv("CXR_KAFKA_BOOTSTRAP");
        return external != null && !external.isBlank() ? external : kafka().bootstrapServers();
    }

    /** The shared PostgreSQL server, started on first call (about 4 s). */
    public static synchronized Postgres postgres() {
        if (postgres == null) {
            postgres = new Postgres(root().resolve("postgres"), 0).start();
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::stop, "devstack-postgres-stop"));
        }
        return postgres;
    }

    /** Creates the platform's topics on the shared broker. */
    public static void createTopics(List<String> topics, int partitions) {
        kafka().createTopics(topics, partitions);
    }

    private static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("cxr-devstack-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a devstack folder", e);
            }
        }
        return root;
    }
}

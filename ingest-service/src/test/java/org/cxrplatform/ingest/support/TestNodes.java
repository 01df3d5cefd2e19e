package org.cxrplatform.ingest.support;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.config.IngestConfig;

/** Ingest nodes wired to the shared real Kafka broker, as the tests need them. */
public final class TestNodes {

    public static final String AE = "CXR_INGEST";
    public static final String ROUTER = "ROUTER";
    public static final String ER_ROUTER = "ER_ROUTER";

    private TestNodes() {}

    /** @param dataDir the node's data folder: its spool is {@code dataDir/spool} */
    public static IngestConfig config(Path dataDir, int port, Duration deliveryTimeout) {
        return config(dataDir, port, deliveryTimeout, Map.of());
    }

    /** The same with {@code extra} keys on top. */
    public static IngestConfig config(Path dataDir, int port, Duration deliveryTimeout, Map<String, String> extra) {
        if (Devstack.kafka().isRunning()) {
            Devstack.createTopics(Topics.ALL, 3);
        }
        Map<String, String> keys = new HashMap<>(Map.ofEntries(
                Map.entry("cxr.ingest.ae-title", AE),
                Map.entry("cxr.ingest.bind-address", "127.0.0.1"),
                Map.entry("cxr.ingest.dicom-port", String.valueOf(port)),
                Map.entry("cxr.ingest.allowed-calling-aes", String.join(",", ROUTER, ER_ROUTER, "PACS", "BENCH")),
                Map.entry("cxr.ingest.max-associations", "16"),
                Map.entry("cxr.ingest.max-instance-bytes", String.valueOf(64L * 1024 * 1024)),
                Map.entry("cxr.ingest.idle-timeout", "30s"),
                Map.entry("cxr.ingest.data-dir", dataDir.toString()),
                Map.entry("cxr.ingest.delivery-timeout", deliveryTimeout.toString()),
                Map.entry("cxr.ingest.recovery-interval", "2s"),
                Map.entry("cxr.ingest.lanes.stat-locations", "ED,EMERGENCY"),
                Map.entry("cxr.ingest.lanes.stat-calling-aes", ER_ROUTER)));
        keys.putAll(extra);
        return TestConfig.of(keys);
    }

    /** Kafka client settings of the shared broker. */
    public static Map<String, String> kafka() {
        return Map.of("bootstrap.servers", Devstack.kafkaBootstrap());
    }

    public static IngestNode start(Path dataDir) {
        return start(dataDir, Map.of(), new SimpleMeterRegistry());
    }

    /** A node with {@code extra} keys (e.g. {@code cxr.ingest.acknowledge=KAFKA}), its metrics in {@code metrics}. */
    public static IngestNode start(Path dataDir, Map<String, String> extra, MeterRegistry metrics) {
        return new IngestNode(config(dataDir, FreePorts.next(), Duration.ofSeconds(6), extra), kafka(), metrics)
                .start();
    }
}

package org.cxrplatform.ingest.support;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.IngestSettings;
import org.cxrplatform.ingest.pipeline.PipelineSettings;
import org.cxrplatform.ingest.render.RenderSettings;
import org.cxrplatform.ingest.scp.ScpSettings;
import org.cxrplatform.ingest.select.LaneSettings;
import org.cxrplatform.ingest.select.SelectionSettings;

/** Ingest nodes wired to the shared real Kafka broker, as the tests need them. */
public final class TestNodes {

    public static final String AE = "CXR_INGEST";
    public static final String ROUTER = "ROUTER";
    public static final String ER_ROUTER = "ER_ROUTER";

    private TestNodes() {
    }

    public static IngestSettings settings(Path spool, int port, Duration deliveryTimeout) {
        if (Devstack.kafka().isRunning()) {
            Devstack.createTopics(Topics.ALL, 3);
        }
        ScpSettings scp = new ScpSettings(AE, "127.0.0.1", port, Set.of(ROUTER, ER_ROUTER, "PACS", "BENCH"), 16,
                64L * 1024 * 1024, Duration.ofSeconds(30), spool.resolve("incoming"));
        LaneSettings lanes = new LaneSettings(Set.of("STAT"), Set.of("ED", "EMERGENCY"), Set.of(ER_ROUTER));
        return new IngestSettings(scp, spool, SelectionSettings.defaults(), lanes, RenderSettings.defaults(),
                new PipelineSettings(false, 2, 900_000, AE), Devstack.kafkaBootstrap(), deliveryTimeout,
                Duration.ofSeconds(2));
    }

    public static IngestNode start(Path spool) {
        return new IngestNode(settings(spool, FreePorts.next(), Duration.ofSeconds(6)), new SimpleMeterRegistry()).start();
    }
}

package org.cxrplatform.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.cxrplatform.ingest.pipeline.PipelineSettings;
import org.cxrplatform.ingest.render.RenderSettings;
import org.cxrplatform.ingest.scp.ScpSettings;
import org.cxrplatform.ingest.select.LaneSettings;
import org.cxrplatform.ingest.select.SelectionSettings;

/**
 * Everything an {@link IngestNode} needs, validated by the parts' own records.
 *
 * @param spoolDir          spool root (incoming, quarantine)
 * @param kafkaBootstrap    Kafka bootstrap servers
 * @param deliveryTimeout   longest wait for a Kafka acknowledgement before answering a failure
 * @param recoveryInterval  how often spool leftovers (from a crash or a Kafka outage) are retried
 * @param kafkaClient       configured Kafka client settings ({@code kafka.*}: TLS, SASL, tuning), see
 *                          {@link org.cxrplatform.contracts.KafkaClientSettings}
 */
public record IngestSettings(ScpSettings scp, Path spoolDir, SelectionSettings selection, LaneSettings lanes,
                             RenderSettings render, PipelineSettings pipeline, String kafkaBootstrap,
                             Duration deliveryTimeout, Duration recoveryInterval, Map<String, String> kafkaClient) {

    public IngestSettings {
        kafkaClient = Map.copyOf(kafkaClient);
    }

    /** Settings without extra Kafka client properties (plain-text broker). */
    public IngestSettings(ScpSettings scp, Path spoolDir, SelectionSettings selection, LaneSettings lanes,
                          RenderSettings render, PipelineSettings pipeline, String kafkaBootstrap,
                          Duration deliveryTimeout, Duration recoveryInterval) {
        this(scp, spoolDir, selection, lanes, render, pipeline, kafkaBootstrap, deliveryTimeout, recoveryInterval, Map.of());
    }
}

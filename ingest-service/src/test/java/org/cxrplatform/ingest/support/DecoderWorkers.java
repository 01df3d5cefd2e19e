package org.cxrplatform.ingest.support;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.decode.DecoderPool;

/** Real decoder worker pools (GDCM in separate JVMs) for tests that render outside a node. */
public final class DecoderWorkers {

    private DecoderWorkers() {}

    /** A started pool with the default settings and the given overrides ({@code cxr.ingest.decoders.*} keys). */
    public static DecoderPool start(Path workDir, MeterRegistry metrics, Map<String, String> overrides) {
        IngestConfig config = TestConfig.of(overrides);
        return new DecoderPool(config.decoders(), config.render(), workDir, metrics).start();
    }

    public static DecoderPool start(Path workDir) {
        return start(workDir, new SimpleMeterRegistry(), Map.of());
    }
}

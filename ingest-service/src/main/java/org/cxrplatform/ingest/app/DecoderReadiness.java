package org.cxrplatform.ingest.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.decode.DecoderPool;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the native decoder pool has a running worker and no replacement is failing to start. */
@Readiness
@ApplicationScoped
public class DecoderReadiness implements HealthCheck {

    private final IngestLifecycle lifecycle;

    public DecoderReadiness(IngestLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        IngestNode node = lifecycle.node();
        DecoderPool pool = node == null ? null : node.decoders();
        if (pool == null) {
            return HealthCheckResponse.named("decoders")
                    .down()
                    .withData("reason", "not started")
                    .build();
        }
        var response =
                HealthCheckResponse.named("decoders").status(pool.ready()).withData("live", pool.live());
        if (pool.startFailure() != null) {
            response.withData("startFailure", pool.startFailure());
        }
        return response.build();
    }
}

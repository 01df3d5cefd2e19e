package org.cxrplatform.ingest.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.cxrplatform.ingest.IngestNode;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the DICOM SCP listens; reports the spool backlog. */
@Readiness
@ApplicationScoped
public class ScpReadiness implements HealthCheck {

    private final IngestLifecycle lifecycle;

    public ScpReadiness(IngestLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        IngestNode node = lifecycle.node();
        if (node == null) {
            return HealthCheckResponse.named("dicom-scp")
                    .down()
                    .withData("reason", "not started")
                    .build();
        }
        if (!node.isListening()) {
            return HealthCheckResponse.named("dicom-scp")
                    .down()
                    .withData("reason", "SCP not listening")
                    .build();
        }
        return HealthCheckResponse.named("dicom-scp")
                .up()
                .withData("aeTitle", node.aeTitle())
                .withData("port", node.port())
                .withData("spoolPending", node.spool().pendingCount())
                .build();
    }
}

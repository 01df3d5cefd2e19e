package org.cxrplatform.inference.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cxrplatform.inference.InferenceService;
import org.cxrplatform.inference.pipeline.InferenceWorker;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * DOWN only when the consume loop died of an error it cannot recover from (so Kubernetes
 * restarts the pod); a model that failed to load keeps the pod alive but not ready, since a
 * restart would not fix a bad model folder.
 */
@Liveness
@ApplicationScoped
public class InferenceLiveness implements HealthCheck {

    @Inject
    InferenceService service;

    @Override
    public HealthCheckResponse call() {
        InferenceWorker worker = service.worker();
        Throwable died = worker == null ? null : worker.died();
        return HealthCheckResponse.named("inference-loop")
                .withData("died", died == null ? "no" : died.toString())
                .status(died == null)
                .build();
    }
}

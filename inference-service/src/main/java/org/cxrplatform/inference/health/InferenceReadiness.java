package org.cxrplatform.inference.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cxrplatform.inference.InferenceService;
import org.cxrplatform.inference.model.ModelService;
import org.cxrplatform.inference.pipeline.InferenceWorker;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the model is loaded and the lane consumers are open and reached the broker with the
 * configured security settings; {@code kafka} says why not when the broker cannot be used.
 */
@Readiness
@ApplicationScoped
public class InferenceReadiness implements HealthCheck {

    @Inject
    ModelService models;

    @Inject
    InferenceService service;

    @Override
    public HealthCheckResponse call() {
        InferenceWorker worker = service.worker();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("inference")
                .withData("model", models.state().name())
                .withData("consuming", worker != null && worker.consuming());
        if (models.identity() != null) {
            b.withData("modelVersion", models.identity().version());
        }
        if (worker != null && worker.kafkaError() != null) {
            b.withData("kafka", worker.kafkaError());
        }
        if (models.error() != null) {
            b.withData("error", models.error());
        }
        return b.status(models.state() == ModelService.State.LOADED && worker != null && worker.consuming())
                .build();
    }
}

package io.shoal.health;

import io.shoal.inference.SentenceModelService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the sentence model is loaded: events arriving before would only pile up behind it. The ingest
 * role loads no model and is ready without it.
 */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final SentenceModelService model;

    public ModelReadinessCheck(SentenceModelService model) {
        this.model = model;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("sentence-model")
                .status(model.isReady() || model.isSkipped())
                .withData("loaded", model.isReady())
                .withData("model", model.spec().id())
                .build();
    }
}

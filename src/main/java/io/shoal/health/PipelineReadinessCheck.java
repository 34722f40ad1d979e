package io.shoal.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.shoal.ingest.EventIngestor;
import io.shoal.pipeline.Dependencies;
import io.shoal.pipeline.InFlightLimiter;

/**
 * Ready while ingestion accepts events and the pipeline is not waiting for Redis or PostgreSQL (a batch failed and
 * the probe found one of them down); reports how full the pipeline is. Redis and Postgres have their own checks.
 */
@Readiness
@ApplicationScoped
public class PipelineReadinessCheck implements HealthCheck {

    private final EventIngestor ingestor;
    private final InFlightLimiter limiter;

    private final Dependencies dependencies;

    public PipelineReadinessCheck(EventIngestor ingestor, InFlightLimiter limiter, Dependencies dependencies) {
        this.ingestor = ingestor;
        this.limiter = limiter;
        this.dependencies = dependencies;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("pipeline")
                .status(ingestor.accepting() && dependencies.unavailable().isEmpty())
                .withData("waitingFor", String.join(",", dependencies.unavailable()))
                .withData("inFlight", limiter.inFlight())
                .withData("capacity", limiter.capacity())
                .build();
    }
}

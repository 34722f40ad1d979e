package io.shoal.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.shoal.ingest.EventIngestor;
import io.shoal.pipeline.InFlightLimiter;

/** Ready while ingestion accepts events; reports how full the pipeline is. Redis and Postgres have their own checks. */
@Readiness
@ApplicationScoped
public class PipelineReadinessCheck implements HealthCheck {

    private final EventIngestor ingestor;
    private final InFlightLimiter limiter;

    public PipelineReadinessCheck(EventIngestor ingestor, InFlightLimiter limiter) {
        this.ingestor = ingestor;
        this.limiter = limiter;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("pipeline")
                .status(ingestor.accepting())
                .withData("inFlight", limiter.inFlight())
                .withData("capacity", limiter.capacity())
                .build();
    }
}

package io.shoal.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.shoal.config.PipelineConfig;

/**
 * Graceful shutdown: after ingestion has closed (priority 1), closes partial batches at once and waits until every
 * accepted event has been processed, or the drain timeout has passed. Runs before Redis and Postgres clients close.
 */
@ApplicationScoped
public class PipelineDrainer {

    private final MicroBatcher batcher;
    private final InFlightLimiter limiter;
    private final PipelineConfig config;

    public PipelineDrainer(MicroBatcher batcher, InFlightLimiter limiter, PipelineConfig config) {
        this.batcher = batcher;
        this.limiter = limiter;
        this.config = config;
    }

    void drain(@Observes @Priority(10) ShutdownEvent ignored) {
        long start = System.nanoTime();
        long deadline = start + config.drainTimeout().toNanos();
        long before = limiter.inFlight();
        while (limiter.inFlight() > 0 || !batcher.idle()) {
            if (System.nanoTime() > deadline) {
                Log.errorf("Drain timed out after %s with %d events still in flight", config.drainTimeout(),
                        limiter.inFlight());
                return;
            }
            batcher.flush();
            // Shutdown runs on its own thread; a short park between checks keeps it cheap.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        Log.infof("Drained %d in-flight events in %d ms", before,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}

package io.shoal.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.shoal.config.PipelineConfig;
import io.shoal.config.RoleConfig;

/**
 * Graceful shutdown: after ingestion has closed (priority 1), closes partial batches at once and waits until every
 * accepted event has been processed, or the drain timeout has passed. Runs before Redis and Postgres clients close.
 * By role: in {@code all} that is the in-memory batches; in {@code ingest} the Kafka sends still awaiting their
 * acknowledgement (they hold permits); in {@code worker} the Kafka batch being processed, after which no new one
 * starts (what was not acknowledged is read again by the partition's next owner).
 */
@ApplicationScoped
public class PipelineDrainer {

    private final MicroBatcher batcher;
    /** The worker role's consumer; null in the other roles, whose Kafka channels it cannot be built without. */
    private final BatchSource kafka;
    private final InFlightLimiter limiter;
    private final PipelineConfig config;

    public PipelineDrainer(MicroBatcher batcher, Instance<BatchSource> kafka, RoleConfig roles,
            InFlightLimiter limiter, PipelineConfig config) {
        this.batcher = batcher;
        this.kafka = roles.role() == RoleConfig.Role.WORKER ? kafka.get() : null;
        this.limiter = limiter;
        this.config = config;
    }

    void drain(@Observes @Priority(10) ShutdownEvent ignored) {
        long start = System.nanoTime();
        long deadline = start + config.drainTimeout().toNanos();
        long before = limiter.inFlight();
        if (kafka != null) {
            kafka.close();
        }
        while (limiter.inFlight() > 0 || !batcher.idle() || (kafka != null && kafka.busy())) {
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

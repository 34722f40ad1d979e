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
 * Graceful shutdown: after ingestion has closed (priority 1), applies what it can within the drain timeout, then
 * stops the batch source. Runs before Redis and Postgres clients close. By role: in {@code all} the event log is
 * applied until its backlog is empty; what the timeout leaves stays in the log, durable, and is applied by the next
 * start. In {@code ingest} it waits for the Kafka sends still awaiting their acknowledgement (they hold permits). In
 * {@code worker} the Kafka batch being processed ends, after which no new one starts (what was not acknowledged is
 * read again by the partition's next owner).
 */
@ApplicationScoped
public class PipelineDrainer {

    /** The role's batch source (the event log consumer, or the worker's Kafka consumer); null in ingest. */
    private final BatchSource source;
    private final InFlightLimiter limiter;
    private final PipelineConfig config;
    private final RoleConfig.Role role;

    public PipelineDrainer(Instance<BatchSource> sources, RoleConfig roles, InFlightLimiter limiter,
            PipelineConfig config) {
        this.role = roles.role();
        // Chosen by bean class without creating the others: the Kafka consumer cannot be built without its channels.
        this.source = sources.handlesStream()
                .filter(h -> switch (role) {
                    case ALL -> h.getBean().getBeanClass() == EventLogConsumer.class;
                    case WORKER -> h.getBean().getBeanClass() != EventLogConsumer.class;
                    case INGEST -> false;
                })
                .findFirst().map(Instance.Handle::get).orElse(null);
        this.limiter = limiter;
        this.config = config;
    }

    void drain(@Observes @Priority(10) ShutdownEvent ignored) {
        long start = System.nanoTime();
        long deadline = start + config.drainTimeout().toNanos();
        long before = limiter.inFlight();
        if (role == RoleConfig.Role.WORKER && source != null) {
            source.close();
        } else if (source != null) {
            source.flush();
        }
        // In all, the consumer goes on until the backlog is applied; in ingest, the Kafka sends complete.
        boolean backlogIsOurs = source == null || source.drainsBacklog();
        while ((backlogIsOurs && limiter.inFlight() > 0) || (source != null && source.busy())) {
            if (System.nanoTime() > deadline) {
                if (source != null) {
                    source.close();
                }
                Log.warnf("Drain timed out after %s with %d events not yet applied: %s", config.drainTimeout(),
                        limiter.inFlight(), role == RoleConfig.Role.ALL
                                ? "they stay in the event log and are applied at the next start"
                                : "they are in Kafka and are read again by the next owner");
                return;
            }
            // Shutdown runs on its own thread; a short park between checks keeps it cheap.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            if (role == RoleConfig.Role.ALL && limiter.inFlight() == 0 && source != null) {
                source.close();
            }
        }
        if (source != null) {
            source.close();
        }
        Log.infof("Drained %d in-flight events in %d ms", before,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}

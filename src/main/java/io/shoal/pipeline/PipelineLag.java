package io.shoal.pipeline;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.event.BehaviorEvent;

/**
 * The pipeline's lag: how long the oldest event that was accepted and is not yet applied has waited, in seconds
 * ({@code shoal_pipeline_lag_seconds}; 0 when nothing waits). The lag SLO and its alert are on this number.
 * <p>
 * Rule: lag = now − min(acceptance time of the oldest event of every batch being applied, append time of the oldest
 * entry left in the event log). The batches are reported by the {@link BatchProcessor} (both roles); the log by its
 * consumer after every acknowledgement (role {@code all}: the log is in order, so its first entry is the oldest
 * waiting). A worker (role {@code worker}) sees only the batches it holds: records still in Kafka show as consumer
 * lag ({@code kafka_consumer_fetch_manager_records_lag_max}), not here. A standby process reports 0.
 */
@ApplicationScoped
public class PipelineLag {

    private final ConcurrentHashMap<Object, Long> applying = new ConcurrentHashMap<>();
    private final AtomicLong queuedOldest = new AtomicLong();

    public PipelineLag(MeterRegistry registry) {
        Gauge.builder("shoal.pipeline.lag", this, l -> l.seconds(System.currentTimeMillis()))
                .baseUnit("seconds")
                .description("Age of the oldest accepted event not yet applied (0 when none waits)")
                .register(registry);
    }

    /** A batch starts being applied; returns the token to pass to {@link #applied}. */
    Object applying(MicroBatch batch) {
        long oldest = Long.MAX_VALUE;
        for (BehaviorEvent e : batch.events()) {
            if (e.receivedAt() != null) {
                oldest = Math.min(oldest, e.receivedAt().toEpochMilli());
            }
        }
        Object token = new Object();
        if (oldest != Long.MAX_VALUE) {
            applying.put(token, oldest);
        }
        return token;
    }

    /** The batch of {@code token} is applied (or left for a later run). */
    void applied(Object token) {
        applying.remove(token);
    }

    /** The oldest entry still in the log was appended at {@code oldestMillis}; 0: the log is empty. */
    public void queued(long oldestMillis) {
        queuedOldest.set(oldestMillis);
    }

    /** The lag at {@code nowMillis}, in seconds. */
    public double seconds(long nowMillis) {
        long oldest = queuedOldest.get() == 0 ? Long.MAX_VALUE : queuedOldest.get();
        for (long t : applying.values()) {
            oldest = Math.min(oldest, t);
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, nowMillis - oldest) / 1000.0;
    }
}

package io.shoal.pipeline;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.config.IngestConfig;

/**
 * Admission control: counts events that were accepted but are not done yet. Ingestion reserves permits before it
 * accepts a request; they come back when the events are done, so the buffers between are bounded and overload
 * turns into 503 answers instead of memory growth. "Done" depends on the role: in {@code all} when the event's
 * micro-batch has run ({@link MicroBatcher}); in {@code ingest} when the broker has acknowledged the event
 * ({@code EventIngestor}); a {@code worker} accepts nothing over HTTP and holds no permits.
 */
@ApplicationScoped
public class InFlightLimiter {

    private final long capacity;
    private final AtomicLong inFlight = new AtomicLong();

    public InFlightLimiter(IngestConfig config, MeterRegistry registry) {
        this.capacity = config.maxInFlight();
        Gauge.builder("shoal.pipeline.in.flight", inFlight, AtomicLong::get)
                .description("Events accepted and not yet processed (all role) or not yet acknowledged by Kafka (ingest role)")
                .register(registry);
    }

    /** Reserves {@code n} permits, all or nothing. */
    public boolean tryAcquire(int n) {
        while (true) {
            long now = inFlight.get();
            if (now + n > capacity) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    public void release(int n) {
        inFlight.addAndGet(-n);
    }

    public long inFlight() {
        return inFlight.get();
    }

    public long capacity() {
        return capacity;
    }
}

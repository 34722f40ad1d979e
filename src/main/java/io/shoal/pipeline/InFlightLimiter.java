package io.shoal.pipeline;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.config.IngestConfig;

/**
 * Admission control: counts events that were accepted but are not done yet, so that overload turns into 503 answers
 * instead of unbounded growth. By role: in {@code all} the count is the backlog of the durable event log (entries
 * accepted and not yet applied), checked atomically with each append by the log's own script and observed here
 * after every append and acknowledgement ({@link #observeBacklog}); in {@code ingest} ingestion reserves permits
 * before it sends a request's events to Kafka and returns them when the broker has answered
 * ({@code EventIngestor}); a {@code worker} accepts nothing over HTTP and holds no permits.
 */
@ApplicationScoped
public class InFlightLimiter {

    private final long capacity;
    private final long byteCapacity;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong inFlightBytes = new AtomicLong();

    public InFlightLimiter(IngestConfig config, MeterRegistry registry) {
        this.capacity = config.maxInFlight();
        this.byteCapacity = config.maxInFlightBytes().asLongValue();
        Gauge.builder("shoal.pipeline.in.flight", inFlight, AtomicLong::get)
                .description("Events accepted and not yet applied (all role: the event log backlog) or not yet acknowledged by Kafka (ingest role)")
                .register(registry);
        Gauge.builder("shoal.pipeline.in.flight.bytes", inFlightBytes, AtomicLong::get)
                .description("All role: payload bytes of the events in the event log backlog (admission by bytes)")
                .baseUnit("bytes").register(registry);
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

    /** Role {@code all}: the event log's backlog as Redis last reported it (a negative value is ignored). */
    public void observeBacklog(long backlog) {
        if (backlog >= 0) {
            inFlight.set(backlog);
        }
    }

    /** Role {@code all}: the event log backlog's payload bytes as Redis last reported them (negative: ignored). */
    public void observeBacklogBytes(long bytes) {
        if (bytes >= 0) {
            inFlightBytes.set(bytes);
        }
    }

    public long inFlight() {
        return inFlight.get();
    }

    public long inFlightBytes() {
        return inFlightBytes.get();
    }

    /** Most payload bytes in the event log backlog (role {@code all}). */
    public long byteCapacity() {
        return byteCapacity;
    }

    public long capacity() {
        return capacity;
    }
}

package io.shoal.ingest;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.config.IngestConfig;
import io.smallrye.mutiny.Uni;

/**
 * The ingestion endpoints' small queue: the bytes of request bodies being worked on at once (parsed, validated,
 * waiting for Redis or Kafka) stay under {@code shoal.ingest.max-pending-request-bytes}. A request that would pass
 * it is answered 503 with Retry-After at once, before any parsing, instead of waiting behind the others: under
 * overload memory stays bounded and the answers that are given stay fast. A request alone is always admitted, so a
 * large one is never refused for ever.
 */
@ApplicationScoped
public class RequestBudget {

    private final long capacity;
    private final int retryAfterSeconds;
    private final AtomicLong pending = new AtomicLong();
    private final Counter refused;

    public RequestBudget(IngestConfig config, MeterRegistry registry) {
        this.capacity = config.maxPendingRequestBytes().asLongValue();
        this.retryAfterSeconds = config.retryAfterSeconds();
        Gauge.builder("shoal.ingest.pending.request.bytes", pending, AtomicLong::get)
                .description("Bytes of ingestion request bodies being worked on").baseUnit("bytes").register(registry);
        // The same meter as EventIngestor's refusals (alerts and dashboards read it by reason).
        this.refused = Counter.builder("shoal.ingest.requests.saturated").tag("reason", "busy")
                .description("Requests answered 503 (nothing accepted, Retry-After), by reason").register(registry);
    }

    /** Reserves {@code bytes}: true if they fit beside what is pending, or nothing is. */
    boolean tryAcquire(long bytes) {
        while (true) {
            long now = pending.get();
            if (now > 0 && now + bytes > capacity) {
                return false;
            }
            if (pending.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        pending.addAndGet(-bytes);
    }

    long pending() {
        return pending.get();
    }

    /**
     * Runs the request's work within the budget, or answers 503 with Retry-After when the budget is spent.
     *
     * @param entity the endpoint's error body for a message (its own format)
     */
    public Uni<Response> within(long bytes, Supplier<Uni<Response>> work, Function<String, Object> entity) {
        if (!tryAcquire(bytes)) {
            refused.increment();
            return Uni.createFrom().item(Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header("Retry-After", retryAfterSeconds)
                    .entity(entity.apply("nothing was accepted: the service is busy (" + pending.get() + " of "
                            + capacity + " bytes of requests being worked on)"))
                    .build());
        }
        Uni<Response> run;
        try {
            run = work.get();
        } catch (RuntimeException e) {
            release(bytes);
            throw e;
        }
        return run.onTermination().invoke(() -> release(bytes));
    }

    /** The Retry-After the budget's 503 names. */
    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

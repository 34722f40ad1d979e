package io.shoal.config;

import java.time.Duration;
import java.time.Instant;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits and policies of the HTTP ingestion endpoint. */
@ConfigMapping(prefix = "shoal.ingest")
public interface IngestConfig {

    /** Most events one request may carry; a larger array is answered with 413. */
    @WithDefault("1000")
    int maxEventsPerRequest();

    /** Most events accepted but not yet processed; beyond it requests are answered with 503 and Retry-After. */
    @WithDefault("50000")
    int maxInFlight();

    /**
     * Role {@code all}: most bytes of event JSON accepted but not yet processed (the event log's backlog); with
     * {@code max-in-flight}, whichever binds first answers 503 with Retry-After. Bounds Redis memory when events are
     * large (one event is at most ~7 KB of JSON). A request alone in an empty log is admitted whatever its size.
     */
    @WithDefault("64M")
    MemorySize maxInFlightBytes();

    /**
     * Most bytes of request bodies being worked on at once (parsed, validated, waiting for Redis or Kafka): beyond
     * it a request is answered 503 with Retry-After at once instead of queueing, so memory stays bounded under
     * overload. A request alone is admitted whatever its size (up to {@code quarkus.http.limits.max-body-size}).
     */
    @WithDefault("16M")
    MemorySize maxPendingRequestBytes();

    /** Seconds a client is asked to wait (Retry-After) when the pipeline is saturated. */
    @WithDefault("1")
    int retryAfterSeconds();

    /** How far in the future an event's occurredAt may lie before it is rejected (clock skew allowance). */
    @WithDefault("5m")
    Duration maxFutureSkew();

    /**
     * The earliest occurredAt accepted; older events are rejected with 400 naming the field. The default admits
     * every public retail dataset (Online Retail starts in 2010) while refusing instants that would overflow
     * epoch-millisecond arithmetic or PostgreSQL's timestamp range.
     */
    @WithDefault("2000-01-01T00:00:00Z")
    Instant earliestOccurredAt();

    /**
     * Ingest role: how long a request waits for Kafka's acknowledgement before it is answered 503 with Retry-After
     * (the sends go on; the client's resend is answered 202 once they are confirmed).
     */
    @WithDefault("10s")
    Duration publishTimeout();

    /**
     * Ingest role: how long a pending dedup mark (an event being sent to Kafka) lives if its confirmation is never
     * written; longer than the producer's delivery.timeout.ms (2 min).
     */
    @WithDefault("5m")
    Duration kafkaPendingTtl();

    /** How long an eventId is remembered for deduplication. */
    @WithDefault("24h")
    Duration dedupTtl();
}

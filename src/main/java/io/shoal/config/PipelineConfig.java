package io.shoal.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Micro-batching of accepted events and the batch stages' retry policy. */
@ConfigMapping(prefix = "shoal.pipeline")
public interface PipelineConfig {

    /** Largest micro-batch: a batch is closed when it holds this many events... */
    @WithDefault("256")
    int batchSize();

    /** ...or when its first event has waited this long, whichever comes first. */
    @WithDefault("50ms")
    Duration batchTimeout();

    /**
     * Attempts per batch before the dependencies are probed: when Redis or PostgreSQL is down the batch waits and
     * runs again; when both are up it is split to isolate the failing events (see BatchProcessor).
     */
    @WithDefault("4")
    int maxAttempts();

    /** First retry delay; doubles per attempt up to {@link #maxRetryDelay()}. */
    @WithDefault("100ms")
    Duration retryDelay();

    /** Cap of the retry delay. */
    @WithDefault("5s")
    Duration maxRetryDelay();

    /**
     * On shutdown, how long to go on applying accepted events; in role all what is left stays in the event log for
     * the next start. Keep it under the orchestrator's grace period (the chart derives that from this value).
     */
    @WithDefault("30s")
    Duration drainTimeout();

    /**
     * Roles all and worker: an event whose text the model has not embedded yet waits beside the log (the event log,
     * the topic), with its shopper's later events, while other shoppers' events are applied
     * (io.shoal.pipeline.ColdHold, BatchColdHold); at most this many wait, beyond
     * which a batch waits for the model as a whole. 0 turns the waiting off.
     */
    @WithDefault("1024")
    int maxColdWaiting();

    /**
     * Role all: micro-batches of the event log applied at once. A batch starts only when none of its shoppers has an
     * event in a batch still being applied (their events wait beside the log meanwhile, like cold ones), so each
     * shopper's events are applied in log order; 1 applies one batch at a time. More in flight overlap one batch's
     * Redis round trips and planning with another's (io.shoal.pipeline.EventLogConsumer).
     */
    @WithDefault("4")
    int batchesInFlight();
}

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

    /** Closed batches that may wait while one is being processed; when full, the channel stops pulling events. */
    @WithDefault("2")
    int maxPendingBatches();

    /** Attempts per batch before it is given up (logged and counted as failed). */
    @WithDefault("8")
    int maxAttempts();

    /** First retry delay; doubles per attempt up to {@link #maxRetryDelay()}. */
    @WithDefault("100ms")
    Duration retryDelay();

    /** Cap of the retry delay. */
    @WithDefault("5s")
    Duration maxRetryDelay();

    /** On shutdown, how long to wait for every accepted event to be processed. */
    @WithDefault("30s")
    Duration drainTimeout();
}

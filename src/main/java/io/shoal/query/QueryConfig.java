package io.shoal.query;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The read side: limits of the query API and how long segment descriptions are reused. */
@ConfigMapping(prefix = "shoal.query")
public interface QueryConfig {

    /** Longest user id accepted; longer ones are INVALID_ARGUMENT / 400 (the ingest limit is the same). */
    @WithDefault("128")
    int maxUserIdLength();

    /** Most user ids in one BatchGetUserSegments call. */
    @WithDefault("1000")
    int maxBatchSize();

    /** History page size when the request names none. */
    @WithDefault("50")
    int defaultPageSize();

    /** Largest history page size; larger ones are INVALID_ARGUMENT / 400. */
    @WithDefault("500")
    int maxPageSize();

    /**
     * Descriptions and labels are recomputed when they are older than this. The model version moves on every
     * micro-batch, so a cache keyed by exact version would never hit; centroids move little per batch.
     */
    @WithDefault("5s")
    Duration descriptionTtl();

    /** ...or when the model version seen in reads has advanced by more than this since they were computed. */
    @WithDefault("100")
    long descriptionMaxVersionLag();

    /** Item texts listed per segment description (nearest to the centroid first). */
    @WithDefault("10")
    int descriptionTexts();

    /** Significant words in a segment label ("segment 7: cake, tins, pantry"). */
    @WithDefault("3")
    int labelWords();

    /** Most retired segments ListSegments returns when asked for them (newest first). */
    @WithDefault("100")
    int maxRetiredListed();

    /** Live watchers (gRPC streams and SSE) one process serves at once; one more is refused (503 / RESOURCE_EXHAUSTED). */
    @WithDefault("1000")
    int maxWatchers();

    /** Most segment ids in one watch filter; more is 400 / INVALID_ARGUMENT. */
    @WithDefault("100")
    int maxWatchSegments();

    /** Change events a live watcher (gRPC stream or SSE) may lag behind before it is dropped. */
    @WithDefault("1024")
    int watcherBuffer();
}

package io.shoal.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Redis state shared by all Shoal processes. */
@ConfigMapping(prefix = "shoal.redis")
public interface StoreConfig {

    /** Prefix of every Redis key Shoal writes, so several deployments (or tests) can share one Redis. */
    @WithDefault("shoal:")
    String keyPrefix();

    /**
     * Prefix of the acknowledgement path's keys: the event log, its counts and the dedup marks (what a 202 writes).
     * Unset: {@link #keyPrefix()}. On a Redis Cluster a prefix with a hash tag of its own, such as
     * {@code {shoal-ingest}:}, puts that work in another slot than the segment state's, and so usually on another
     * master. Changing it on a running deployment orphans the events still in the old log: drain first.
     */
    Optional<String> ingestKeyPrefix();
}

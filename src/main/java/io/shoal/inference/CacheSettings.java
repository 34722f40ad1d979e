package io.shoal.inference;

import java.time.Duration;

/**
 * How the embedding cache behaves.
 *
 * @param localEntries   most texts kept in the in-process cache (least recently used go first); 0 disables it
 * @param redisEnabled   whether the shared Redis layer is used
 * @param keyPrefix      prefix of every Redis key, e.g. "shoal:"
 * @param ttl            how long a text's vector stays in Redis
 * @param itemTtl        how long an item's last vector stays in Redis
 * @param subBatchSize   most texts per model call
 */
public record CacheSettings(long localEntries, boolean redisEnabled, String keyPrefix, Duration ttl,
        Duration itemTtl, int subBatchSize) {

    public CacheSettings {
        if (localEntries < 0) {
            throw new IllegalArgumentException("localEntries must be >= 0 but was " + localEntries);
        }
        if (keyPrefix == null) {
            throw new IllegalArgumentException("keyPrefix must be given (may be empty)");
        }
        if (ttl == null || ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 s but was " + ttl);
        }
        if (itemTtl == null || itemTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("itemTtl must be at least 1 s but was " + itemTtl);
        }
        if (subBatchSize < 1) {
            throw new IllegalArgumentException("subBatchSize must be >= 1 but was " + subBatchSize);
        }
    }
}

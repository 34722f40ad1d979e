package io.shoal.store;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.config.StoreConfig;

/** The one place that spells Redis key names, all under the configured prefix. */
@ApplicationScoped
public class RedisKeys {

    private final String prefix;

    public RedisKeys(StoreConfig config) {
        this.prefix = config.keyPrefix();
    }

    public String prefix() {
        return prefix;
    }

    /** Marker that an event id was already accepted (expires after the dedup TTL). */
    public String seenEvent(String eventId) {
        return prefix + "seen:" + eventId;
    }

    /** Hash of a user's activity counters: one field per event type plus {@code total}. */
    public String userActivity(String userId) {
        return prefix + "user:" + userId + ":activity";
    }

    /** Hash of process-independent pipeline counters (events processed, batches). */
    public String pipelineStats() {
        return prefix + "stats:pipeline";
    }
}

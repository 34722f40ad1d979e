package io.shoal.testing;

import io.quarkus.redis.datasource.RedisDataSource;
import io.shoal.store.RedisKeys;

/**
 * A shopper's applied-event count in Redis, the witness of order the pipeline tests read: the activity counter skips
 * an event at or below the shopper's last counted position, so an event applied before an earlier one of its shopper
 * leaves the count short.
 */
public final class Activity {

    private Activity() {
    }

    /** The shopper's counted events ({@code total} of the activity hash), or null before the first. */
    public static String counted(RedisDataSource redis, RedisKeys keys, String user) {
        return redis.hash(String.class).hget(keys.userActivity(user), "total");
    }
}

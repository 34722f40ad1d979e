package io.shoal.store;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;

/**
 * Per-user activity counters, written as one pipelined round trip per call so the cost in round trips does not
 * grow with the micro-batch.
 */
@ApplicationScoped
public class ActivityStore {

    private static final LuaScript ACTIVITY_ONCE = LuaScript.of("activity_once.lua");

    private final Redis redis;
    private final RedisKeys keys;

    public ActivityStore(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis.getRedis();
        this.keys = keys;
    }

    /** One user's events of a batch on one partition of its log: offsets and counter names, in the same order. */
    public record PartitionEvents(String userId, int partition, List<Long> offsets, List<String> counters) {
    }

    /**
     * Adds each event at most once, however often it is delivered. Atomic per call (a Lua script): per
     * user, events at or below the last counted position are skipped and the position moves forward with the
     * counts (field {@code kafka-position} of the activity hash). Added to the {@code events} total are only the
     * events counted now.
     *
     * @return the number of events counted
     */
    public Uni<Long> incrementOnce(List<PartitionEvents> groups) {
        return ACTIVITY_ONCE.run(redis, groups.size() + 1, eval -> {
            eval.arg(keys.pipelineStats());
            groups.forEach(g -> eval.arg(keys.userActivity(g.userId())));
            for (PartitionEvents g : groups) {
                eval.arg(g.partition()).arg(g.offsets().size());
                for (int i = 0; i < g.offsets().size(); i++) {
                    eval.arg(g.offsets().get(i)).arg(g.counters().get(i));
                }
            }
        }).map(r -> r.toLong());
    }
}

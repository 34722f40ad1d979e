package io.shoal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * Per-user activity counters, written as one pipelined round trip per call so the cost in round trips does not
 * grow with the micro-batch.
 */
@ApplicationScoped
public class ActivityStore {

    private final Redis redis;
    private final RedisKeys keys;

    public ActivityStore(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis.getRedis();
        this.keys = keys;
    }

    /**
     * Adds counts to users' activity hashes and to the pipeline totals.
     *
     * @param countsByUser per user, per counter name (an event type's wire name), the increment
     * @param events       number of events these counts came from
     */
    public Uni<Void> increment(Map<String, Map<String, Long>> countsByUser, int events) {
        List<Request> requests = new ArrayList<>(countsByUser.size() * 3 + 2);
        countsByUser.forEach((userId, counts) -> {
            String key = keys.userActivity(userId);
            long total = 0;
            for (Map.Entry<String, Long> c : counts.entrySet()) {
                requests.add(Request.cmd(Command.HINCRBY).arg(key).arg(c.getKey()).arg(c.getValue()));
                total += c.getValue();
            }
            requests.add(Request.cmd(Command.HINCRBY).arg(key).arg("total").arg(total));
        });
        requests.add(Request.cmd(Command.HINCRBY).arg(keys.pipelineStats()).arg("events").arg(events));
        requests.add(Request.cmd(Command.HINCRBY).arg(keys.pipelineStats()).arg("batches").arg(1));
        return redis.batch(requests).replaceWithVoid();
    }
}

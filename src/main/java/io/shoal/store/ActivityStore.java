package io.shoal.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    private static final String ACTIVITY_ONCE = script("activity_once.lua");

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

    /** One user's events of a Kafka batch on one partition: offsets and counter names, in the same order. */
    public record PartitionEvents(String userId, int partition, List<Long> offsets, List<String> counters) {
    }

    /**
     * Kafka path: adds each event at most once, however often it is delivered. Atomic per call (a Lua script): per
     * user, events at or below the last counted position are skipped and the position moves forward with the
     * counts (field {@code kafka-position} of the activity hash). Added to the {@code events} total are only the
     * events counted now.
     *
     * @return the number of events counted
     */
    public Uni<Long> incrementOnce(List<PartitionEvents> groups) {
        Request eval = Request.cmd(Command.EVAL).arg(ACTIVITY_ONCE).arg(groups.size() + 1).arg(keys.pipelineStats());
        groups.forEach(g -> eval.arg(keys.userActivity(g.userId())));
        for (PartitionEvents g : groups) {
            eval.arg(g.partition()).arg(g.offsets().size());
            for (int i = 0; i < g.offsets().size(); i++) {
                eval.arg(g.offsets().get(i)).arg(g.counters().get(i));
            }
        }
        return redis.send(eval).map(r -> r.toLong());
    }

    private static String script(String name) {
        try (InputStream in = ActivityStore.class.getResourceAsStream("/redis/" + name)) {
            if (in == null) {
                throw new IllegalStateException("Redis script " + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.shoal.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Remembers accepted event ids in Redis so that a redelivered event is not processed twice, across restarts and
 * across several ingest processes. One pipelined round trip per call, whatever the number of ids.
 */
@ApplicationScoped
public class DedupStore {

    private final Redis redis;
    private final RedisKeys keys;

    public DedupStore(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis.getRedis();
        this.keys = keys;
    }

    /**
     * Marks the ids as seen ({@code SET key 1 NX EX ttl}) and tells which were new.
     *
     * @return one flag per id, in order: true when the id had not been seen within the TTL
     */
    public Uni<boolean[]> markSeen(List<String> eventIds, Duration ttl) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(new boolean[0]);
        }
        long seconds = Math.max(1, ttl.toSeconds());
        List<Request> requests = new ArrayList<>(eventIds.size());
        for (String id : eventIds) {
            requests.add(Request.cmd(Command.SET).arg(keys.seenEvent(id)).arg("1").arg("NX").arg("EX").arg(seconds));
        }
        return redis.batch(requests).map(DedupStore::toFlags);
    }

    /** Forgets ids again, used when accepted events could not be handed to the pipeline after all. */
    public Uni<Void> forget(List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Request del = Request.cmd(Command.DEL);
        for (String id : eventIds) {
            del.arg(keys.seenEvent(id));
        }
        return redis.send(del).replaceWithVoid();
    }

    private static boolean[] toFlags(List<Response> responses) {
        boolean[] fresh = new boolean[responses.size()];
        for (int i = 0; i < fresh.length; i++) {
            // SET ... NX answers OK when it wrote the key and nil when the key already existed.
            fresh[i] = responses.get(i) != null;
        }
        return fresh;
    }
}

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
 * Remembers accepted event ids, per shopper, in Redis so that a redelivered event is not processed twice, across restarts and
 * across several ingest processes. One pipelined round trip per call, whatever the number of ids.
 */
@ApplicationScoped
public class DedupStore {

    /** What identifies an event for deduplication: the client's event id, within its shopper. */
    public record EventKey(String userId, String eventId) {
    }

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
    public Uni<boolean[]> markSeen(List<EventKey> events, Duration ttl) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new boolean[0]);
        }
        long seconds = Math.max(1, ttl.toSeconds());
        List<Request> requests = new ArrayList<>(events.size());
        for (EventKey e : events) {
            requests.add(Request.cmd(Command.SET).arg(keys.seenEvent(e.userId(), e.eventId())).arg("1").arg("NX")
                    .arg("EX").arg(seconds));
        }
        return redis.batch(requests).map(DedupStore::toFlags);
    }

    /** Forgets ids again, used when accepted events could not be handed to the pipeline after all. */
    public Uni<Void> forget(List<EventKey> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Request del = Request.cmd(Command.DEL);
        for (EventKey e : events) {
            del.arg(keys.seenEvent(e.userId(), e.eventId()));
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

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
 * Remembers accepted event ids, per shopper, in Redis so that a resent event is not accepted twice, across restarts
 * and across several ingest processes. One pipelined round trip per call, whatever the number of ids. In the ingest
 * role a mark is first <em>pending</em> (the event is being sent to Kafka; short TTL) and becomes <em>confirmed</em>
 * when the broker has acknowledged it: a client's retry of an event still pending is answered 503 (not "duplicate"),
 * so a client is never told "already accepted" about an event whose send could still fail. In the role all the
 * event log's script writes confirmed marks itself, atomically with the append.
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

    /** What a dedup mark said when an event was offered. */
    public enum Seen {
        /** Not seen before: marked pending now. */
        NEW,
        /** Seen and confirmed durable: a duplicate. */
        CONFIRMED,
        /** Seen, and its first send is not confirmed yet (in progress, or its outcome unknown). */
        PENDING
    }

    static final String PENDING_VALUE = "p";
    static final String CONFIRMED_VALUE = "1";

    /**
     * Ingest role: marks new events pending ({@code SET key p NX EX pendingTtl GET}) and tells what each mark said.
     * One pipelined round trip.
     */
    public Uni<Seen[]> markPending(List<EventKey> events, Duration pendingTtl) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new Seen[0]);
        }
        long seconds = Math.max(1, pendingTtl.toSeconds());
        List<Request> requests = new ArrayList<>(events.size());
        for (EventKey e : events) {
            requests.add(Request.cmd(Command.SET).arg(keys.seenEvent(e.userId(), e.eventId())).arg(PENDING_VALUE)
                    .arg("NX").arg("EX").arg(seconds).arg("GET"));
        }
        return redis.batch(requests).map(responses -> {
            Seen[] out = new Seen[responses.size()];
            for (int i = 0; i < out.length; i++) {
                Response r = responses.get(i);
                // NX + GET answers nil when it wrote the key, else the value it found (and writes nothing).
                out[i] = r == null ? Seen.NEW : PENDING_VALUE.equals(r.toString()) ? Seen.PENDING : Seen.CONFIRMED;
            }
            return out;
        });
    }

    /** The events' sends were confirmed: their marks become duplicates' marks for the whole dedup window. */
    public Uni<Void> confirm(List<EventKey> events, Duration ttl) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long seconds = Math.max(1, ttl.toSeconds());
        List<Request> requests = new ArrayList<>(events.size());
        for (EventKey e : events) {
            requests.add(Request.cmd(Command.SET).arg(keys.seenEvent(e.userId(), e.eventId())).arg(CONFIRMED_VALUE)
                    .arg("XX").arg("EX").arg(seconds));
        }
        return redis.batch(requests).replaceWithVoid();
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

}

package io.shoal.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * The durable log of accepted events in the embedded default (role {@code all}): a Redis Stream read by one consumer
 * group. Ingestion appends a request's events together with their deduplication marks in one script and answers
 * 202 only after it ({@code accept_events.lua}); the pipeline reads entries through {@link #stream()}, and an entry
 * is acknowledged and deleted only after its batch was applied. What a crashed process had
 * read but not acknowledged stays in the consumer's pending list and is read again at the next start (id
 * {@code 0}), before anything new: a 202 survives SIGKILL of the process. Its durability beyond that is Redis's
 * (AOF, replicas; see README, Delivery guarantees).
 */
@ApplicationScoped
public class EventLog {

    /** The consumer group; one per log. */
    public static final String GROUP = "shoal";
    /** The entry field that holds the event's JSON. */
    public static final String EVENT_FIELD = "e";

    private static final LuaScript ACCEPT = LuaScript.of("accept_events.lua");

    /** An event to append: its identity for the dedup marker, whether to deduplicate it, and its JSON. */
    public record Append(String userId, String eventId, boolean deduplicate, String json) {
    }

    /**
     * The outcome of an append.
     *
     * @param admitted false when the backlog was full and nothing was appended
     * @param backlog  entries in the log after the append
     * @param bytes    their payload bytes
     * @param full     what was full when not admitted: {@code entries} or {@code bytes} (null when admitted)
     * @param ids      per event, in order, its entry id or null for a duplicate (empty when not admitted)
     */
    public record Appended(boolean admitted, long backlog, long bytes, String full, List<String> ids) {
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final RedisStream stream;

    public EventLog(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis.getRedis();
        this.keys = keys;
        this.stream = new RedisStream(this.redis, keys.eventLog(), GROUP, keys.eventLogBytes());
    }

    /**
     * Appends the events that are not duplicates, atomically with their dedup marks, unless the backlog would pass
     * {@code capacity} entries or {@code byteCapacity} bytes of payload (accept_events.lua).
     */
    public Uni<Appended> append(List<Append> events, Duration dedupTtl, long capacity, long byteCapacity,
            String traceparent) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new Appended(true, -1, -1, null, List.of()));
        }
        return ACCEPT.run(redis, events.size() + 2, eval -> {
            eval.arg(keys.eventLog()).arg(keys.eventLogBytes());
            for (Append e : events) {
                eval.arg(keys.seenEvent(e.userId(), e.eventId()));
            }
            eval.arg(Math.max(1, dedupTtl.toSeconds())).arg(capacity).arg(traceparent == null ? "" : traceparent)
                    .arg(byteCapacity);
            for (Append e : events) {
                eval.arg(e.deduplicate() ? "1" : "0").arg(e.json());
            }
        }).map(r -> {
            long backlog = r.get(1).toLong();
            long bytes = r.get(2).toLong();
            if (!"ok".equals(r.get(0).toString())) {
                return new Appended(false, backlog, bytes, r.get(3).toString(), List.of());
            }
            List<String> ids = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                Response id = i + 3 < r.size() ? r.get(i + 3) : null;
                ids.add(id == null || id.type() != ResponseType.BULK ? null : id.toString());
            }
            return new Appended(true, backlog, bytes, null, ids);
        });
    }

    /** The log as a stream read by the pipeline's consumer group. */
    public RedisStream stream() {
        return stream;
    }
}

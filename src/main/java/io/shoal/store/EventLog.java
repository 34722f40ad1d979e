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
 * group. Ingestion appends a request's new events as <b>one entry</b> (their JSON documents one per line, see
 * {@link #events}) together with their deduplication marks in one script and answers 202 only after it
 * ({@code accept_events.lua}); each event has its own position inside the entry
 * ({@link io.shoal.event.EventPosition#ofStreamId(String, int)}). The pipeline reads entries through
 * {@link #stream()}, and an entry is acknowledged and deleted only after all its events were applied. What a crashed
 * process had read but not acknowledged stays in the consumer's pending list and is read again at the next start (id
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
     * @param backlog  events in the log, not yet applied, after the append
     * @param bytes    their payload bytes
     * @param full     what was full when not admitted: {@code events} or {@code bytes} (null when admitted)
     * @param entry    the id of the entry that holds the new events (null when none was new or not admitted)
     * @param appended per event, in order, whether it was appended (false: a duplicate; empty when not admitted)
     */
    public record Appended(boolean admitted, long backlog, long bytes, String full, String entry,
            List<Boolean> appended) {

        /** How many of the request's events were appended. */
        public int added() {
            return (int) appended.stream().filter(Boolean::booleanValue).count();
        }
    }

    /** The events an entry's event field holds: one per line; 0 for none (an entry deleted while pending). */
    public static int eventCount(String field) {
        if (field == null) {
            return 0;
        }
        int n = 1;
        for (int i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) {
            n++;
        }
        return n;
    }

    /** The lines of an entry's event field: one event's JSON each (an entry written before 2026-12-07 holds one). */
    public static List<String> events(String field) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (true) {
            int nl = field.indexOf('\n', from);
            if (nl < 0) {
                lines.add(field.substring(from));
                return lines;
            }
            lines.add(field.substring(from, nl));
            from = nl + 1;
        }
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final RedisStream stream;

    public EventLog(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis.getRedis();
        this.keys = keys;
        this.stream = new RedisStream(this.redis, keys.eventLog(), GROUP, keys.eventLogCounts());
    }

    /**
     * Appends the events that are not duplicates as one entry, atomically with their dedup marks, unless the backlog
     * would pass {@code capacity} events or {@code byteCapacity} bytes of payload (accept_events.lua).
     */
    public Uni<Appended> append(List<Append> events, Duration dedupTtl, long capacity, long byteCapacity,
            String traceparent) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new Appended(true, -1, -1, null, null, List.of()));
        }
        return ACCEPT.run(redis, events.size() + 2, eval -> {
            eval.arg(keys.eventLog()).arg(keys.eventLogCounts());
            for (Append e : events) {
                eval.arg(keys.seenEvent(e.userId(), e.eventId()));
            }
            eval.arg(Math.max(1, dedupTtl.toSeconds())).arg(capacity).arg(traceparent == null ? "" : traceparent)
                    .arg(byteCapacity);
            for (Append e : events) {
                if (e.json().indexOf('\n') >= 0) {
                    // An entry holds one event per line; the service's JSON is never indented.
                    throw new IllegalArgumentException("an event's JSON for the log must be one line");
                }
                eval.arg(e.deduplicate() ? "1" : "0").arg(e.json());
            }
        }).map(r -> {
            long backlog = r.get(1).toLong();
            long bytes = r.get(2).toLong();
            if (!"ok".equals(r.get(0).toString())) {
                return new Appended(false, backlog, bytes, r.get(3).toString(), null, List.of());
            }
            Response entry = r.get(3);
            List<Boolean> appended = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                Response flag = i + 4 < r.size() ? r.get(i + 4) : null;
                appended.add(flag != null && flag.toInteger() == 1);
            }
            return new Appended(true, backlog, bytes, null,
                    entry == null || entry.type() != ResponseType.BULK ? null : entry.toString(), appended);
        });
    }

    /** The log as a stream read by the pipeline's consumer group. */
    public RedisStream stream() {
        return stream;
    }
}

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
import io.vertx.redis.client.ResponseType;

/**
 * The durable log of accepted events in the embedded default (role {@code all}): a Redis Stream read by one consumer
 * group. Ingestion appends a request's events together with their deduplication marks in one script and answers
 * 202 only after it ({@code accept_events.lua}); the pipeline reads entries with {@code XREADGROUP}, and an entry is
 * acknowledged and deleted only after its batch was applied ({@code ack_events.lua}). What a crashed process had
 * read but not acknowledged stays in the consumer's pending list and is read again at the next start (id
 * {@code 0}), before anything new: a 202 survives SIGKILL of the process. Its durability beyond that is Redis's
 * (AOF, replicas; see README, Delivery guarantees).
 */
@ApplicationScoped
public class EventLog {

    /** The consumer group; one per log. */
    public static final String GROUP = "shoal";

    private static final String ACCEPT = RedisScripts.load("accept_events.lua");
    private static final String ACK = RedisScripts.load("ack_events.lua");

    /** An event to append: its identity for the dedup marker, whether to deduplicate it, and its JSON. */
    public record Append(String userId, String eventId, boolean deduplicate, String json) {
    }

    /**
     * The outcome of an append.
     *
     * @param admitted false when the backlog was full and nothing was appended
     * @param backlog  entries in the log after the append
     * @param ids      per event, in order, its entry id or null for a duplicate (empty when not admitted)
     */
    public record Appended(boolean admitted, long backlog, List<String> ids) {
    }

    /** One entry read from the log. */
    public record Entry(String id, String json) {
    }

    private final Redis redis;
    private final RedisKeys keys;

    public EventLog(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis.getRedis();
        this.keys = keys;
    }

    /**
     * Appends the events that are not duplicates, atomically with their dedup marks, unless the backlog would pass
     * {@code capacity}.
     */
    public Uni<Appended> append(List<Append> events, Duration dedupTtl, long capacity) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new Appended(true, -1, List.of()));
        }
        Request eval = Request.cmd(Command.EVAL).arg(ACCEPT).arg(events.size() + 1).arg(keys.eventLog());
        for (Append e : events) {
            eval.arg(keys.seenEvent(e.userId(), e.eventId()));
        }
        eval.arg(Math.max(1, dedupTtl.toSeconds())).arg(capacity);
        for (Append e : events) {
            eval.arg(e.deduplicate() ? "1" : "0").arg(e.json());
        }
        return redis.send(eval).map(r -> {
            long backlog = r.get(1).toLong();
            if (!"ok".equals(r.get(0).toString())) {
                return new Appended(false, backlog, List.of());
            }
            List<String> ids = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                Response id = i + 2 < r.size() ? r.get(i + 2) : null;
                ids.add(id == null || id.type() != ResponseType.BULK ? null : id.toString());
            }
            return new Appended(true, backlog, ids);
        });
    }

    /** Creates the consumer group (reading from the start of the stream) unless it exists. */
    public Uni<Void> ensureGroup() {
        return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(keys.eventLog()).arg(GROUP).arg("0")
                .arg("MKSTREAM")).replaceWithVoid()
                .onFailure(f -> String.valueOf(f.getMessage()).contains("BUSYGROUP")).recoverWithNull();
    }

    /**
     * Reads entries for {@code consumer}.
     *
     * @param pending     true: the consumer's own entries read before and not acknowledged (after a crash); false:
     *                    new entries
     * @param blockMillis for new entries, how long to wait for the first one (at least 1)
     */
    public Uni<List<Entry>> read(String consumer, int count, boolean pending, long blockMillis) {
        Request r = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(count);
        if (!pending) {
            r.arg("BLOCK").arg(Math.max(1, blockMillis));
        }
        r.arg("STREAMS").arg(keys.eventLog()).arg(pending ? "0" : ">");
        return redis.send(r).map(EventLog::entries);
    }

    /**
     * Acknowledges and deletes applied entries.
     *
     * @return the backlog after
     */
    public Uni<Long> ack(List<String> ids) {
        Request eval = Request.cmd(Command.EVAL).arg(ACK).arg(1).arg(keys.eventLog()).arg(GROUP);
        ids.forEach(eval::arg);
        return redis.send(eval).map(Response::toLong);
    }

    /** Entries in the log: accepted and not yet applied. */
    public Uni<Long> backlog() {
        return redis.send(Request.cmd(Command.XLEN).arg(keys.eventLog())).map(Response::toLong);
    }

    /** Parses an XREADGROUP answer (RESP2 arrays or RESP3 maps); entries deleted meanwhile come back without fields. */
    static List<Entry> entries(Response answer) {
        List<Entry> out = new ArrayList<>();
        if (answer == null) {
            return out;
        }
        Response streamEntries;
        if (answer.isMap()) {
            // RESP3: {key: entries}
            streamEntries = answer.getKeys().isEmpty() ? null : answer.get(answer.getKeys().iterator().next());
        } else {
            // RESP2: [[key, entries]]
            streamEntries = answer.size() == 0 ? null : answer.get(0).get(1);
        }
        if (streamEntries == null) {
            return out;
        }
        for (Response entry : streamEntries) {
            Response fields = entry.get(1);
            String json = null;
            if (fields != null) {
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    if ("e".equals(fields.get(i).toString())) {
                        json = fields.get(i + 1).toString();
                    }
                }
            }
            out.add(new Entry(entry.get(0).toString(), json));
        }
        return out;
    }
}

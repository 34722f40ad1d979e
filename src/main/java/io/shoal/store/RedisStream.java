package io.shoal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Redis Stream read by one consumer group, at-least-once: entries are read with {@code XREADGROUP}, stay in the
 * reader's pending list until acknowledged, and are acknowledged and deleted together ({@code stream_ack.lua}),
 * so the stream holds exactly its backlog. Used by the event log (role all) and the audit outbox.
 */
public final class RedisStream {

    private static final LuaScript ACK = LuaScript.of("stream_ack.lua");

    /** One entry: its id and its fields (empty when the entry was deleted while pending). */
    public record Entry(String id, Map<String, String> fields) {
        public String field(String name) {
            return fields.get(name);
        }

        /** The size in bytes (UTF-8, as Redis holds it) of a field's value; 0 when absent. */
        public long bytes(String name) {
            String v = fields.get(name);
            return v == null ? 0 : utf8Length(v);
        }
    }

    private final Redis redis;
    private final String key;
    private final String group;
    private final String countsKey;

    public RedisStream(Redis redis, String key, String group) {
        this(redis, key, group, null);
    }

    /**
     * @param countsKey for a stream whose entries carry counted events (the event log), the hash of its counts
     *                  ({@code events}, {@code bytes}) that the appending script keeps for admission and
     *                  {@link #ack(List, List, List)} takes each deleted entry's share off; null for none
     */
    public RedisStream(Redis redis, String key, String group, String countsKey) {
        this.redis = redis;
        this.key = key;
        this.group = group;
        this.countsKey = countsKey;
    }

    public String key() {
        return key;
    }

    /** Creates the consumer group (reading from the start of the stream) unless it exists. */
    public Uni<Void> ensureGroup() {
        return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(key).arg(group).arg("0").arg("MKSTREAM"))
                .replaceWithVoid()
                .onFailure(f -> String.valueOf(f.getMessage()).contains("BUSYGROUP")).recoverWithNull();
    }

    /**
     * Reads entries for {@code consumer}.
     *
     * @param pending     true: the consumer's own entries read before and not acknowledged (after a crash or a
     *                    failure); false: new entries
     * @param blockMillis for new entries, how long to wait for the first one (at least 1)
     */
    public Uni<List<Entry>> read(String consumer, int count, boolean pending, long blockMillis) {
        return pending ? pendingAfter(consumer, count, "0") : read(consumer, count, ">", blockMillis);
    }

    /**
     * Reads the consumer's own pending entries (read before, not acknowledged) whose ids are greater than
     * {@code afterId} ({@code "0"}: from the first), so that a reader that has not acknowledged what it read can
     * go on where it stopped.
     */
    public Uni<List<Entry>> pendingAfter(String consumer, int count, String afterId) {
        return read(consumer, count, afterId, 0);
    }

    private Uni<List<Entry>> read(String consumer, int count, String id, long blockMillis) {
        Request r = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg(consumer).arg("COUNT").arg(count);
        if (">".equals(id)) {
            r.arg("BLOCK").arg(Math.max(1, blockMillis));
        }
        r.arg("STREAMS").arg(key).arg(id);
        return redis.send(r).map(RedisStream::entries);
    }

    /**
     * Takes over entries that other consumers of the group read and did not acknowledge for {@code minIdleMillis}
     * (a crashed process); they become this consumer's pending entries.
     *
     * @return how many were claimed (one pass of at most {@code count})
     */
    public Uni<Integer> claimAbandoned(String consumer, long minIdleMillis, int count) {
        return redis.send(Request.cmd(Command.XAUTOCLAIM).arg(key).arg(group).arg(consumer).arg(minIdleMillis)
                .arg("0-0").arg("COUNT").arg(count).arg("JUSTID")).map(r -> r == null ? 0 : r.get(1).size());
    }

    /**
     * What is left in a stream after an acknowledgement.
     *
     * @param size         what is not yet handled: events for a stream with counters (the event log), else entries
     * @param oldestMillis when the oldest entry left was appended (its id's time), 0 when there is none
     * @param bytes        the payload bytes of the entries left (the counter's value), or -1 without counters
     */
    public record Backlog(long size, long oldestMillis, long bytes) {
    }

    /**
     * Acknowledges and deletes handled entries of a stream without counters.
     *
     * @return the backlog after
     */
    public Uni<Backlog> ack(List<String> ids) {
        if (countsKey != null) {
            throw new IllegalStateException(
                    "a stream with counters is acknowledged with the entries' sizes and events");
        }
        return ack(ids, List.of(), List.of());
    }

    /**
     * Acknowledges and deletes handled entries, taking each one's payload size and events off the counters if this
     * call deleted it (so an entry acknowledged twice is counted off once).
     *
     * @param sizes  the entries' payload sizes in bytes, aligned with {@code ids} (ignored without counters)
     * @param events the number of events each entry holds, aligned with {@code ids} (ignored without counters)
     */
    public Uni<Backlog> ack(List<String> ids, List<Long> sizes, List<Integer> events) {
        if (countsKey != null && (sizes.size() != ids.size() || events.size() != ids.size())) {
            throw new IllegalArgumentException(ids.size() + " ids but " + sizes.size() + " sizes and " + events.size()
                    + " event counts");
        }
        return ACK.run(redis, countsKey == null ? 1 : 2, eval -> {
            eval.arg(key);
            if (countsKey != null) {
                eval.arg(countsKey);
            }
            eval.arg(group).arg(ids.size());
            ids.forEach(eval::arg);
            if (countsKey != null) {
                sizes.forEach(eval::arg);
                events.forEach(eval::arg);
            }
        }).map(r -> {
            String oldest = r.get(1).toString();
            return new Backlog(r.get(0).toLong(), oldest.isEmpty() ? 0 : idMillis(oldest), r.get(2).toLong());
        });
    }

    /** The number of bytes of a string in UTF-8. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The time part of a stream entry id ({@code <ms>-<seq>}). */
    public static long idMillis(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }

    /** What is not yet handled: events for a stream with counters (the event log), else entries. */
    public Uni<Long> backlog() {
        if (countsKey == null) {
            return redis.send(Request.cmd(Command.XLEN).arg(key)).map(Response::toLong);
        }
        return ACK.run(redis, 2, eval -> eval.arg(key).arg(countsKey).arg(group).arg(0))
                .map(r -> r.get(0).toLong());
    }

    /** Parses an XREADGROUP answer (RESP2 arrays or RESP3 maps). */
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
            Map<String, String> values = new java.util.HashMap<>();
            if (fields != null) {
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    values.put(fields.get(i).toString(), fields.get(i + 1).toString());
                }
            }
            out.add(new Entry(entry.get(0).toString(), values));
        }
        return out;
    }
}

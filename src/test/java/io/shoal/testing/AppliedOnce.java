package io.shoal.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The check the fault tests end with: every event a client was answered 202 for was applied exactly once in Redis
 * (per-shopper activity counters and the pipeline total equal what was sent, the event log is empty) and audited
 * exactly once in PostgreSQL (every shopper's audit rows form one chain, from nothing to the segment Redis holds,
 * with no row twice).
 */
public final class AppliedOnce implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Redis redis;
    private final String prefix;
    private final String ingestPrefix;

    public AppliedOnce(String redisUrl, String prefix) {
        this(new RedisOptions().setConnectionString(redisUrl), prefix, prefix);
    }

    private AppliedOnce(RedisOptions options, String prefix, String ingestPrefix) {
        this.redis = Redis.createClient(vertx, options);
        this.prefix = prefix;
        this.ingestPrefix = ingestPrefix;
    }

    /**
     * The same check on a Redis Cluster, reached through any of its nodes (comma-separated URLs), with the event log
     * under {@code ingestPrefix} ({@code shoal.redis.ingest-key-prefix}).
     */
    public static AppliedOnce onCluster(String redisUrls, String prefix, String ingestPrefix) {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
        for (String url : redisUrls.split(",")) {
            options.addConnectionString(url);
        }
        return new AppliedOnce(options, prefix, ingestPrefix);
    }

    /** Waits until the event log and the audit outbox are empty, then checks everything the feeder sent. */
    public void check(EventFeeder feeder, Callable<Connection> postgres, Duration within) throws Exception {
        check(feeder, 0, postgres, within);
    }

    /**
     * {@link #check(EventFeeder, Callable, Duration)} when {@code otherEvents} events of other feeders (other
     * shoppers) were applied under the same prefix too.
     */
    public void check(EventFeeder feeder, long otherEvents, Callable<Connection> postgres, Duration within)
            throws Exception {
        long total = otherEvents + (long) feeder.users() * feeder.eventsPerUser();
        await().atMost(within).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> hlong(prefix + "stats:pipeline", "events") >= total
                        && xlen(ingestPrefix + "events") == 0 && xlen(prefix + "audit:outbox") == 0);
        assertThat(hlong(prefix + "stats:pipeline", "events")).as("events applied in all").isEqualTo(total);
        Map<String, Long> perType = new HashMap<>();
        for (int n = 0; n < feeder.eventsPerUser(); n++) {
            perType.merge(EventFeeder.type(n), 1L, Long::sum);
        }
        for (int u = 0; u < feeder.users(); u++) {
            String user = feeder.user(u);
            String activity = prefix + "user:" + user + ":activity";
            assertThat(hlong(activity, "total")).as("events applied for " + user).isEqualTo(feeder.eventsPerUser());
            for (Map.Entry<String, Long> t : perType.entrySet()) {
                assertThat(hlong(activity, t.getKey())).as(t.getKey() + " events of " + user).isEqualTo(t.getValue());
            }
        }
        // Redis and PostgreSQL must agree once the service is quiet: a refit's sweep may still be moving shoppers
        // (and its audit rows reaching PostgreSQL through the outbox) when the events are all applied, so the
        // comparison is repeated until it holds; a real disagreement stays and fails with its details.
        await().atMost(within).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> auditAgrees(feeder, postgres));
    }

    private void auditAgrees(EventFeeder feeder, Callable<Connection> postgres) throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> xlen(prefix + "audit:outbox") == 0);
        Map<String, Long> segments = new HashMap<>();
        Map<String, String> described = new HashMap<>();
        for (int u = 0; u < feeder.users(); u++) {
            String user = feeder.user(u);
            Response state = send(Request.cmd(Command.GET).arg(prefix + "u:" + user));
            assertThat(state).as("segmentation state of " + user).isNotNull();
            StoredUser s = StoredUserCodec.read(state.toBytes());
            segments.put(user, s.segmentId());
            described.put(user, "Redis: segment " + s.segmentId() + " since " + java.time.Instant.ofEpochMilli(
                    s.sinceMillis()) + " model version " + s.modelVersion());
        }
        try (Connection c = postgres.call()) {
            try (Statement st = c.createStatement(); ResultSet dup = st.executeQuery("""
                    SELECT user_id, from_segment, to_segment, changed_at, count(*) FROM segment_history
                    GROUP BY 1, 2, 3, 4 HAVING count(*) > 1""")) {
                assertThat(dup.next()).as("an audit row written twice").isFalse();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT from_segment, to_segment, reason, model_version, "
                    + "changed_at, id FROM segment_history WHERE user_id = ? ORDER BY applied_order, id")) {
                for (Map.Entry<String, Long> e : segments.entrySet()) {
                    ps.setString(1, e.getKey());
                    List<Long[]> rows = new ArrayList<>();
                    StringBuilder shown = new StringBuilder();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long from = rs.getLong(1);
                            rows.add(new Long[] {rs.wasNull() ? null : from, rs.getLong(2)});
                            shown.append(String.format("%n  #%d %s -> %d %s v%d at %s", rs.getLong(6),
                                    rows.get(rows.size() - 1)[0], rs.getLong(2), rs.getString(3), rs.getLong(4),
                                    rs.getTimestamp(5).toInstant()));
                        }
                    }
                    Long at = null;
                    for (Long[] r : rows) {
                        assertThat(r[0]).as("audit chain of %s: each move starts where the last ended:%s", e.getKey(),
                                shown).isEqualTo(at);
                        at = r[1];
                    }
                    assertThat(at).as("the audit of %s ends at the segment Redis holds:%s%n  %s", e.getKey(), shown,
                            described.get(e.getKey())).isEqualTo(e.getValue());
                }
            }
        }
    }

    /** Entries in the event log: accepted and not yet applied. */
    public long eventLogBacklog() throws Exception {
        return xlen(ingestPrefix + "events");
    }

    private long hlong(String key, String field) throws Exception {
        Response r = send(Request.cmd(Command.HGET).arg(key).arg(field));
        return r == null ? 0 : r.toLong();
    }

    private long xlen(String key) throws Exception {
        return send(Request.cmd(Command.XLEN).arg(key)).toLong();
    }

    private Response send(Request request) throws Exception {
        return redis.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        redis.close();
        vertx.close();
    }
}

package io.shoal.store;

import io.shoal.config.VectorEncoding;
import io.shoal.segmentation.SegmentModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.shoal.segmentation.SamplePolicy;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The segment model, user profiles, segment sizes and the profile sample in Redis. Round trips per micro-batch:
 * one to load (model + sample size + MGET of the batch's users, pipelined) and one to apply (a Lua script), whatever
 * the batch size.
 *
 * <pre>
 * {prefix}model           hash: version, gen, fit_profiles, fit_at, algorithm, k, dim, next_id, id:j, n:j,
 *                         sum:j (float32), sq:j, created:j
 * {prefix}u:{userId}      string: the user's state in {@link StoredUserCodec}'s binary layout
 * {prefix}segsize         hash: segment id -> members now
 * {prefix}sample          hash: user id -> profile vector (bottom-k by SamplePolicy, for seeding, refits, checks)
 * {prefix}sample:idx      sorted set: the sampled user ids by SamplePolicy priority
 * {prefix}profiled        string: number of shoppers with a profile
 * {prefix}sweep           hash: the sweep after the last model swap (gen, cause, cursor, done)
 * {prefix}texts           hash: item text -> vector (a bounded random sample of recent texts, to describe segments)
 * {prefix}applied:{batch} marker of an applied batch (expires)
 * {prefix}link:{userId}   string: the shopper a merged-away shopper now is (identity merge)
 * </pre>
 */
@ApplicationScoped
public class SegmentStore {

    /**
     * What the segmentation stage needs before planning a batch.
     *
     * @param digests per loaded user, the digest of the stored state the plan is made on (see {@link #digest})
     */
    public record Loaded(SegmentModel model, long sampleSize, long profiled, Map<String, StoredUser> users,
            Map<String, String> digests) {
    }

    /** The result of the apply script. */
    public record Applied(boolean applied, boolean stale, long version, String detail) {
    }

    /**
     * One user's state to write, encoded with {@link StoredUserCodec}.
     *
     * @param expected the digest ({@link #digest}) of the state the write was decided on, "" when there was none,
     *                 null when the write does not depend on it; a different stored state makes the batch stale
     */
    public record UserWrite(String userId, byte[] record, String expected) {
        /** A write that does not depend on the stored state (tools, tests). */
        public UserWrite(String userId, byte[] record) {
            this(userId, record, null);
        }
    }

    /** SHA-1 hex of a stored user state, as apply_batch.lua computes it with redis.sha1hex. */
    public static String digest(byte[] state) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(state));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything one batch writes. */
    public record BatchWrite(String batchId, double decay, SegmentModel plannedOn, double[] counts,
            double[][] sums, double[][] squares, List<UserWrite> users, Map<Long, Long> sizeDeltas,
            Map<String, float[]> sample, Map<String, float[]> recentTexts, int sampleCap, long markerTtlSeconds,
            long newlyProfiled) {
    }

    /** One page of a SCAN over the user states: the next cursor ("0" at the end) and the user ids. */
    public record UserPage(String cursor, List<String> userIds) {
    }

    /**
     * A sweep decision to write if the user's stored state is still {@code expected}, with its audit row (JSON; null
     * when the segment did not change) for the outbox.
     */
    public record SweepWrite(String userId, byte[] expected, byte[] record, Long from, Long to, String auditRow) {
    }

    /**
     * One identity merge to apply (see merge_identity.lua).
     *
     * @param previousDigest the {@link #digest} of the merged-away shopper's state the merge was planned on, "" none
     * @param intoDigest     that of the target's state, "" none
     * @param record         the target's new state, or null to keep it
     * @param sizeDeltas     segment id to members gained (negative: lost)
     * @param sampleVector   the target's merged profile, offered to the sample; null for none
     */
    public record MergeWrite(String mergeId, String previousId, String intoId, long generation, String previousDigest,
            String intoDigest, byte[] record, Map<Long, Long> sizeDeltas, String auditRows, String linkRow,
            boolean bothProfiled, float[] sampleVector, int sampleCap) {
    }

    /** What became of a merge: applied, already linked, to be redirected to {@code target}, or stale. */
    public record Merged(String outcome, String target) {
    }

    private final Redis redis;
    private final RedisKeys keys;
    private static final LuaScript APPLY = LuaScript.of("apply_batch.lua");
    private static final LuaScript REPLACE = LuaScript.of("replace_model.lua");
    private static final LuaScript SWEEP = LuaScript.of("sweep_users.lua");
    private static final LuaScript MERGE = LuaScript.of("merge_identity.lua");
    private static final LuaScript ERASE = LuaScript.of("erase_user.lua");
    private static final LuaScript SCAN = LuaScript.of("scan_keys.lua");
    /** Extends a lease if this owner still holds it. */
    private static final LuaScript RENEW_LOCK = new LuaScript("if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0");
    /** Deletes a lease only if this owner holds it. */
    private static final LuaScript UNLOCK = new LuaScript(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

    @Inject
    public SegmentStore(ReactiveRedisDataSource redis, RedisKeys keys) {
        this(redis.getRedis(), keys);
    }

    /** For tools and benchmarks that run without CDI. */
    public SegmentStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    // ---- reads

    public Uni<Loaded> load(List<String> userIds) {
        List<Request> requests = new ArrayList<>(userIds.size() + 3);
        requests.add(Request.cmd(Command.HGETALL).arg(keys.model()));
        requests.add(Request.cmd(Command.HLEN).arg(keys.sample()));
        requests.add(Request.cmd(Command.GET).arg(keys.profiled()));
        if (!userIds.isEmpty()) {
            Request mget = Request.cmd(Command.MGET);
            userIds.forEach(u -> mget.arg(keys.userProfile(u)));
            requests.add(mget);
        }
        return redis.batch(requests).map(responses -> {
            SegmentModel model = parseModel(responses.get(0));
            long sampleSize = responses.get(1) == null ? 0 : responses.get(1).toLong();
            long profiled = responses.get(2) == null ? 0 : responses.get(2).toLong();
            Map<String, StoredUser> users = new HashMap<>();
            Map<String, String> digests = new HashMap<>();
            for (int i = 0; i < userIds.size(); i++) {
                Response raw = responses.get(3).get(i);
                StoredUser user = parseUser(raw);
                if (user != null) {
                    users.put(userIds.get(i), user);
                    digests.put(userIds.get(i), digest(raw.toBytes()));
                }
            }
            return new Loaded(model, sampleSize, profiled, users, digests);
        });
    }

    /**
     * The identity links of the given shoppers (see {@link RedisKeys#identityLink}), followed to their end: a
     * shopper merged into another that was merged again maps to the last one. Absent shoppers are left out.
     */
    public Uni<Map<String, String>> links(List<String> userIds) {
        return links(userIds, new HashMap<>(), 0);
    }

    /**
     * A batch's users' positions (see {@link PositionWrite}) and identity links (see {@link #links}); absent users
     * are left out of both.
     */
    public record Located(Map<String, String> positions, Map<String, String> links) {
    }

    /** The positions and links of the users in one round trip (another only when a link leads on to a link). */
    public Uni<Located> locate(List<String> userIds) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(new Located(Map.of(), Map.of()));
        }
        Request positions = Request.cmd(Command.MGET);
        userIds.forEach(u -> positions.arg(keys.userPosition(u)));
        Request links = Request.cmd(Command.MGET);
        userIds.forEach(u -> links.arg(keys.identityLink(u)));
        return redis.batch(List.of(positions, links)).chain(rs -> {
            Map<String, String> at = new HashMap<>();
            Map<String, String> found = new HashMap<>();
            List<String> next = new ArrayList<>();
            for (int i = 0; i < userIds.size(); i++) {
                if (rs.get(0).get(i) != null) {
                    at.put(userIds.get(i), rs.get(0).get(i).toString());
                }
                if (rs.get(1).get(i) != null) {
                    found.put(userIds.get(i), rs.get(1).get(i).toString());
                    next.add(rs.get(1).get(i).toString());
                }
            }
            return links(next.stream().distinct().toList(), found, 1).map(l -> new Located(at, l));
        });
    }

    /** Links are short chains (each merge links one hop); this bounds a cycle a bug could leave. */
    static final int MAX_LINK_HOPS = 8;

    private Uni<Map<String, String>> links(List<String> ask, Map<String, String> found, int hop) {
        if (ask.isEmpty() || hop == MAX_LINK_HOPS) {
            return Uni.createFrom().item(found);
        }
        Request mget = Request.cmd(Command.MGET);
        ask.forEach(u -> mget.arg(keys.identityLink(u)));
        return redis.send(mget).chain(rs -> {
            List<String> next = new ArrayList<>();
            for (int i = 0; i < ask.size(); i++) {
                if (rs.get(i) == null) {
                    continue;
                }
                String target = rs.get(i).toString();
                String u = ask.get(i);
                // Re-point every shopper that reached u at u's own target.
                found.replaceAll((from, to) -> to.equals(u) ? target : to);
                if (!found.containsKey(u)) {
                    found.put(u, target);
                }
                next.add(target);
            }
            return links(next.stream().distinct().toList(), found, hop + 1);
        });
    }

    /** Applies one identity merge (see merge_identity.lua). */
    public Uni<Merged> merge(MergeWrite m) {
        List<String> scriptKeys = List.of(keys.model(), keys.segmentSizes(), keys.sample(), keys.sampleIndex(),
                keys.profiled(), keys.auditOutbox(), keys.identityLink(m.previousId()), keys.identityLink(m.intoId()),
                keys.userProfile(m.previousId()), keys.userProfile(m.intoId()));
        List<Object> args = new ArrayList<>(14 + 2 * m.sizeDeltas().size());
        args.add(m.intoId());
        args.add(Long.toString(m.generation()));
        args.add(m.previousDigest());
        args.add(m.intoDigest());
        args.add(m.record() == null ? "" : m.record());
        args.add(m.auditRows().isEmpty() ? "[]" : m.auditRows());
        args.add(m.linkRow());
        args.add(m.mergeId());
        args.add(m.bothProfiled() ? "1" : "0");
        args.add(Double.toString(SamplePolicy.priority(m.intoId())));
        args.add(m.sampleVector() == null ? "" : VectorCodec.encode(m.sampleVector(), VectorEncoding.FLOAT16));
        args.add(Integer.toString(m.sampleCap()));
        args.add(m.previousId());
        args.add(Integer.toString(m.sizeDeltas().size()));
        m.sizeDeltas().forEach((id, delta) -> {
            args.add(Long.toString(id));
            args.add(Long.toString(delta));
        });
        return eval(MERGE, scriptKeys, args).map(r -> new Merged(r.get(0).toString(),
                r.size() > 1 ? r.get(1).toString() : null));
    }

    public Uni<SegmentModel> model() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.model())).map(SegmentStore::parseModel);
    }

    public Uni<StoredUser> user(String userId) {
        return redis.send(Request.cmd(Command.GET).arg(keys.userProfile(userId))).map(SegmentStore::parseUser);
    }

    /** Users in request order (null for unknown ones), one round trip. */
    public Uni<List<StoredUser>> users(List<String> userIds) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Request mget = Request.cmd(Command.MGET);
        userIds.forEach(u -> mget.arg(keys.userProfile(u)));
        return redis.send(mget).map(rs -> {
            List<StoredUser> out = new ArrayList<>(rs.size());
            for (Response r : rs) {
                out.add(parseUser(r));
            }
            return out;
        });
    }

    /** The profile sample: user id to vector. */
    public Uni<Map<String, float[]>> sample() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.sample())).map(r -> {
            Map<String, float[]> out = new LinkedHashMap<>();
            if (r != null) {
                for (String field : r.getKeys()) {
                    out.put(field, VectorCodec.decode(r.get(field).toBytes()));
                }
            }
            return out;
        });
    }

    /** Recent item texts with their vectors (a bounded random sample), to describe segments. */
    public Uni<Map<String, float[]>> recentTexts() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.recentTexts())).map(r -> {
            Map<String, float[]> out = new LinkedHashMap<>();
            if (r != null) {
                for (String field : r.getKeys()) {
                    out.put(field, VectorCodec.decode(r.get(field).toBytes()));
                }
            }
            return out;
        });
    }

    /** Members per segment id now. */
    public Uni<Map<Long, Long>> segmentSizes() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.segmentSizes())).map(r -> {
            Map<Long, Long> out = new HashMap<>();
            if (r != null) {
                for (String field : r.getKeys()) {
                    out.put(Long.parseLong(field), r.get(field).toLong());
                }
            }
            return out;
        });
    }

    /** The names people gave segments, by segment id. */
    public Uni<Map<Long, String>> segmentNames() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.segmentNames())).map(r -> {
            Map<Long, String> out = new HashMap<>();
            if (r != null) {
                for (String field : r.getKeys()) {
                    out.put(Long.parseLong(field), r.get(field).toString(StandardCharsets.UTF_8));
                }
            }
            return out;
        });
    }

    /** Names a segment (replacing an earlier name); a null name removes it. */
    public Uni<Void> nameSegment(long segmentId, String name) {
        Request r = name == null ? Request.cmd(Command.HDEL).arg(keys.segmentNames()).arg(Long.toString(segmentId))
                : Request.cmd(Command.HSET).arg(keys.segmentNames()).arg(Long.toString(segmentId))
                        .arg(name.getBytes(StandardCharsets.UTF_8));
        return redis.send(r).replaceWithVoid();
    }

    // ---- writes

    /**
     * A user's Kafka high-water mark (see io.shoal.event.EventPosition), moved with a batch.
     *
     * @param expected the stored position the batch was planned on ("" when there was none)
     * @param next     the position of the user's newest event in the batch
     */
    public record PositionWrite(String userId, String expected, String next) {
    }

    /** Applies one batch atomically (see apply_batch.lua). */
    public Uni<Applied> apply(BatchWrite w) {
        return apply(w, List.of());
    }

    /** Applies one batch atomically and moves its users' positions; no audit rows. */
    public Uni<Applied> apply(BatchWrite w, List<PositionWrite> positions) {
        return apply(w, positions, "");
    }

    /**
     * Applies one batch atomically, moves its users' positions and appends its audit rows to the outbox in the same
     * script; stale when a position is no longer the one the batch was planned on (another worker applied that
     * user's events meanwhile).
     *
     * @param auditRows the batch's segment moves as a JSON array, "" when none
     */
    public Uni<Applied> apply(BatchWrite w, List<PositionWrite> positions, String auditRows) {
        return apply(w, positions, auditRows, null);
    }

    /**
     * As {@link #apply(BatchWrite, List, String)}; the outbox entry keeps {@code traceparent} (the batch span's, null
     * when tracing is off) for the relay's span.
     */
    public Uni<Applied> apply(BatchWrite w, List<PositionWrite> positions, String auditRows, String traceparent) {
        SegmentModel m = w.plannedOn();
        int k = m == null ? 0 : m.k();
        int d = m == null ? 0 : m.dimension();
        List<String> scriptKeys = new ArrayList<>(w.users().size() + 8);
        scriptKeys.add(keys.model());
        scriptKeys.add(keys.appliedBatch(w.batchId()));
        scriptKeys.add(keys.segmentSizes());
        scriptKeys.add(keys.sample());
        scriptKeys.add(keys.sampleIndex());
        scriptKeys.add(keys.profiled());
        scriptKeys.add(keys.recentTexts());
        scriptKeys.add(keys.auditOutbox());
        List<Object> args = new ArrayList<>();
        args.add(Double.toString(w.decay()));
        args.add(Integer.toString(k));
        args.add(Integer.toString(d));
        args.add(Long.toString(w.markerTtlSeconds()));
        args.add(Integer.toString(w.sampleCap()));
        args.add(m != null && m.algorithm() == Algorithm.GMM ? "1" : "0");
        args.add(Long.toString(m == null ? 0 : m.generation()));
        args.add(Long.toString(w.newlyProfiled()));
        args.add(w.batchId());
        args.add(auditRows);
        args.add(traceparent == null ? "" : traceparent);
        for (int j = 0; j < k; j++) {
            args.add(Long.toString(m.ids()[j]));
            args.add(Double.toString(w.counts()[j]));
            args.add(w.counts()[j] > 0 ? VectorCodec.float32(w.sums()[j]) : "-");
            args.add(w.squares() != null && w.counts()[j] > 0 ? VectorCodec.float32(w.squares()[j]) : "-");
        }
        args.add(Integer.toString(w.users().size()));
        for (UserWrite u : w.users()) {
            scriptKeys.add(keys.userProfile(u.userId()));
            args.add(u.expected() == null ? "*" : u.expected());
            args.add(u.record());
        }
        args.add(Integer.toString(w.sizeDeltas().size()));
        w.sizeDeltas().forEach((id, delta) -> {
            args.add(Long.toString(id));
            args.add(Long.toString(delta));
        });
        args.add(Integer.toString(w.sample().size()));
        w.sample().forEach((u, v) -> {
            args.add(u);
            args.add(Double.toString(SamplePolicy.priority(u)));
            args.add(VectorCodec.encode(v, VectorEncoding.FLOAT16));
        });
        args.add(Integer.toString(w.recentTexts().size()));
        w.recentTexts().forEach((t, v) -> {
            args.add(t);
            args.add(VectorCodec.encode(v, VectorEncoding.FLOAT16));
        });
        for (PositionWrite p : positions) {
            scriptKeys.add(keys.userPosition(p.userId()));
            args.add(p.expected());
            args.add(p.next());
        }
        args.add(Integer.toString(positions.size()));
        return eval(APPLY, scriptKeys, args).map(r -> {
            String status = r.get(0).toString();
            return new Applied("applied".equals(status), "stale".equals(status), Long.parseLong(r.get(1).toString()),
                    r.size() > 2 ? r.get(2).toString() : "");
        });
    }

    /**
     * Swaps the model in if the stored one is still of generation {@code expectedGeneration} (null: only if there is
     * no model); {@code keepVersion} (restore) keeps the model's own version.
     *
     * @return the new version, or -1 when another process swapped the model first
     */
    public Uni<Long> replaceModel(SegmentModel model, Long expectedGeneration, String paramsJson,
            boolean keepVersion) {
        List<Object> args = new ArrayList<>();
        args.add(expectedGeneration == null ? "absent" : Long.toString(expectedGeneration));
        args.add("gen");
        args.add(Long.toString(model.generation()));
        args.add("fit_profiles");
        args.add(Long.toString(model.fittedProfiles()));
        args.add("fit_at");
        args.add(Long.toString(model.fittedAtMillis()));
        args.add("points");
        args.add(Long.toString(model.points()));
        args.add("fit_points");
        args.add(Long.toString(model.fittedPoints()));
        args.add("algorithm");
        args.add(model.algorithm().name().toLowerCase());
        args.add("k");
        args.add(Integer.toString(model.k()));
        args.add("dim");
        args.add(Integer.toString(model.dimension()));
        args.add("next_id");
        args.add(Long.toString(model.nextSegmentId()));
        args.add("params");
        args.add(paramsJson);
        if (keepVersion) {
            args.add("version");
            args.add(Long.toString(model.version()));
        }
        for (int j = 0; j < model.k(); j++) {
            args.add("id:" + j);
            args.add(Long.toString(model.ids()[j]));
            args.add("n:" + j);
            args.add(Double.toString(model.weights()[j]));
            args.add("sum:" + j);
            args.add(VectorCodec.float32(model.sums()[j]));
            if (model.squares() != null) {
                args.add("sq:" + j);
                args.add(VectorCodec.float32(model.squares()[j]));
            }
            args.add("created:" + j);
            args.add(Long.toString(model.createdMillis()[j]));
        }
        return eval(REPLACE, List.of(keys.model()), args).map(Response::toLong);
    }

    /** Number of shoppers with a profile. */
    public Uni<Long> profiled() {
        return redis.send(Request.cmd(Command.GET).arg(keys.profiled())).map(r -> r == null ? 0L : r.toLong());
    }

    /**
     * One SCAN step on the node that holds the keys {@code pattern} matches (scan_keys.lua: on a Redis Cluster a plain
     * SCAN would go to any node).
     */
    private Uni<Response> scan(String cursor, String pattern, int count) {
        return SCAN.run(redis, 1, req -> req.arg(keys.slotAnchor(pattern)).arg(cursor).arg(pattern)
                .arg(Integer.toString(count)));
    }

    /** One SCAN step over the user states. */
    public Uni<UserPage> scanUsers(String cursor, int count) {
        return scan(cursor, keys.userProfilePattern(), count).map(r -> {
            List<String> users = new ArrayList<>();
            for (Response key : r.get(1)) {
                users.add(keys.userOfProfileKey(key.toString()));
            }
            return new UserPage(r.get(0).toString(), users);
        });
    }

    /** Raw user states in request order (null for absent), for compare-and-set writes. */
    public Uni<List<byte[]>> rawUsers(List<String> userIds) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Request mget = Request.cmd(Command.MGET);
        userIds.forEach(u -> mget.arg(keys.userProfile(u)));
        return redis.send(mget).map(rs -> {
            List<byte[]> out = new ArrayList<>(rs.size());
            for (Response r : rs) {
                out.add(r == null ? null : r.toBytes());
            }
            return out;
        });
    }

    /** What erase_user.lua removed; {@code stale} when the state changed since it was read (read again). */
    public record Erased(boolean stale, long keysDeleted, boolean sumsTouched, long sampleEntries) {
    }

    /**
     * Erases a shopper's Redis state (see erase_user.lua for what, and what is approximate), if the state is still
     * {@code stateRead}.
     *
     * @param user      the decoded {@code stateRead}, or null when there was none
     * @param otherKeys further keys of the shopper to delete in the same step (e.g. of ids linked into it)
     */
    public Uni<Erased> erase(String userId, byte[] stateRead, StoredUser user, List<String> otherKeys) {
        List<String> k = new ArrayList<>(List.of(keys.model(), keys.segmentSizes(), keys.sample(),
                keys.sampleIndex(), keys.profiled(), keys.userProfile(userId), keys.userActivity(userId),
                keys.userPosition(userId), keys.identityLink(userId), keys.recommendationItems(userId),
                keys.recommendationCounts(userId), keys.recommendationShown(userId),
                keys.recommendationRecent(userId)));
        k.addAll(otherKeys);
        boolean profiled = user != null && user.profile() != null;
        Long segment = user == null ? null : user.segmentId();
        Object vector = profiled && segment != null && user.memberships() == null
                ? VectorCodec.float32(user.profile().vector()) : "-";
        List<Object> args = List.of(userId, stateRead == null ? "" : digest(stateRead),
                segment == null ? "" : segment.toString(), vector, profiled ? "1" : "0");
        return eval(ERASE, k, args).map(r -> "stale".equals(r.get(0).toString())
                ? new Erased(true, 0, false, 0)
                : new Erased(false, r.get(1).toLong(), r.get(2).toLong() == 1, r.get(3).toLong()));
    }

    /** Every key matching a SCAN pattern (on the node that holds the deployment's keys). */
    public Uni<List<String>> keysMatching(String pattern) {
        return keysMatching(pattern, "0", new ArrayList<>());
    }

    private Uni<List<String>> keysMatching(String pattern, String cursor, List<String> found) {
        return scan(cursor, pattern, 1000).chain(r -> {
            r.get(1).forEach(key -> found.add(key.toString()));
            String next = r.get(0).toString();
            return "0".equals(next) ? Uni.createFrom().item(found) : keysMatching(pattern, next, found);
        });
    }

    /** Every key matching a SCAN pattern, unlinked in pages; the number removed. */
    public Uni<Long> unlinkMatching(String pattern) {
        return unlinkMatching(pattern, "0", 0);
    }

    private Uni<Long> unlinkMatching(String pattern, String cursor, long removed) {
        return scan(cursor, pattern, 1000).chain(r -> {
            String next = r.get(0).toString();
            Response page = r.get(1);
            Uni<Long> step = Uni.createFrom().item(0L);
            if (page.size() > 0) {
                Request unlink = Request.cmd(Command.UNLINK);
                page.forEach(key -> unlink.arg(key.toString()));
                step = redis.send(unlink).map(Response::toLong);
            }
            return step.chain(n -> "0".equals(next) ? Uni.createFrom().item(removed + n)
                    : unlinkMatching(pattern, next, removed + n));
        });
    }

    /**
     * Writes sweep decisions (see sweep_users.lua).
     *
     * @return users written, or -1 when the model is no longer of {@code generation}
     */
    public Uni<Long> writeSweep(long generation, String stepId, List<SweepWrite> writes) {
        if (writes.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        List<String> scriptKeys = new ArrayList<>(writes.size() + 3);
        scriptKeys.add(keys.model());
        scriptKeys.add(keys.segmentSizes());
        scriptKeys.add(keys.auditOutbox());
        List<Object> args = new ArrayList<>(writes.size() * 5 + 2);
        args.add(Long.toString(generation));
        args.add(stepId);
        for (SweepWrite w : writes) {
            scriptKeys.add(keys.userProfile(w.userId()));
            args.add(w.expected());
            args.add(w.record());
            args.add(w.from() == null ? "" : w.from().toString());
            args.add(w.to() == null ? "" : w.to().toString());
            args.add(w.auditRow() == null ? "" : w.auditRow());
        }
        return eval(SWEEP, scriptKeys, args).map(Response::toLong);
    }

    /** The sweep's progress: generation, cause, cursor, done; empty when no sweep was ever started. */
    public Uni<Map<String, String>> sweepState() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.sweep())).map(r -> {
            Map<String, String> out = new HashMap<>();
            if (r != null) {
                for (String f : r.getKeys()) {
                    out.put(f, r.get(f).toString());
                }
            }
            return out;
        });
    }

    /** Saves the sweep's progress. */
    public Uni<Void> saveSweepState(Map<String, String> state) {
        Request req = Request.cmd(Command.HSET).arg(keys.sweep());
        state.forEach((f, v) -> req.arg(f).arg(v));
        return redis.send(req).replaceWithVoid();
    }

    /** Extends a lease this owner holds; false when it holds it no more. */
    public Uni<Boolean> renewLock(String name, String owner, long millis) {
        return RENEW_LOCK.run(redis, 1, r -> r.arg(keys.lock(name)).arg(owner).arg(millis)).map(r -> r.toLong() == 1);
    }

    /** Takes a short lease so that one process at a time seeds or maintains the model. */
    public Uni<Boolean> tryLock(String name, String owner, long millis) {
        return redis.send(Request.cmd(Command.SET).arg(keys.lock(name)).arg(owner).arg("NX").arg("PX").arg(millis))
                .map(r -> r != null);
    }

    public Uni<Void> unlock(String name, String owner) {
        return UNLOCK.run(redis, 1, r -> r.arg(keys.lock(name)).arg(owner)).replaceWithVoid();
    }

    private Uni<Response> eval(LuaScript script, List<String> scriptKeys, List<Object> args) {
        return script.run(redis, scriptKeys.size(), req -> {
            scriptKeys.forEach(req::arg);
            for (Object a : args) {
                if (a instanceof byte[] b) {
                    req.arg(Buffer.buffer(b));
                } else {
                    req.arg(a.toString());
                }
            }
        });
    }

    // ---- parsing

    static SegmentModel parseModel(Response r) {
        if (r == null || r.size() == 0 || r.get("version") == null || r.get("k") == null) {
            return null;
        }
        int k = r.get("k").toInteger();
        int d = r.get("dim").toInteger();
        Algorithm algorithm = Algorithm.valueOf(r.get("algorithm").toString().toUpperCase());
        long[] ids = new long[k];
        double[] weights = new double[k];
        float[][] sums = new float[k][];
        float[][] squares = algorithm == Algorithm.GMM ? new float[k][] : null;
        long[] created = new long[k];
        for (int j = 0; j < k; j++) {
            ids[j] = r.get("id:" + j).toLong();
            weights[j] = Math.max(0, Double.parseDouble(r.get("n:" + j).toString()));
            sums[j] = VectorCodec.readFloat32(r.get("sum:" + j).toBytes());
            if (squares != null) {
                Response sq = r.get("sq:" + j);
                squares[j] = sq == null ? new float[d] : VectorCodec.readFloat32(sq.toBytes());
            }
            Response c = r.get("created:" + j);
            created[j] = c == null ? 0 : c.toLong();
        }
        return new SegmentModel(algorithm, k, d, r.get("version").toLong(), r.get("next_id").toLong(), ids,
                weights, sums, squares, created, longField(r, "gen"), longField(r, "fit_profiles"),
                longField(r, "fit_at"), longField(r, "points"), longField(r, "fit_points"));
    }

    private static long longField(Response r, String field) {
        Response v = r.get(field);
        return v == null ? 0 : v.toLong();
    }

    static StoredUser parseUser(Response r) {
        return r == null ? null : StoredUserCodec.read(r.toBytes());
    }

    /** Encodes a string field value. */
    public static byte[] utf8(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}

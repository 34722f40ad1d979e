package io.shoal.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * Segments seeded from examples, in one Redis hash (segment id to JSON): the label, the example texts or shoppers,
 * and the examples' vectors (float32, base64), from which the segment's direction and its precision/recall are
 * computed. Shared by every instance; a refit reads it to hold the seeded centroids in place.
 */
@ApplicationScoped
public class SeedStore {

    /**
     * One seeded segment as stored.
     *
     * @param vectors the examples' unit vectors, aligned with texts then userIds
     */
    public record StoredSeed(long segmentId, String label, List<String> texts, List<String> userIds,
            long createdMillis, List<float[]> vectors) {
    }

    /** The JSON form; vectors as base64 float32 (read by Jackson, so registered for a native image). */
    @io.quarkus.runtime.annotations.RegisterForReflection
    record Json(String label, List<String> texts, List<String> userIds, long createdMillis, List<String> vectors) {
    }

    private static final LuaScript REPLACE_IF_UNCHANGED = LuaScript.of("replace_seed.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;

    public SeedStore(ReactiveRedisDataSource redis, RedisKeys keys, ObjectMapper mapper) {
        this.redis = redis.getRedis();
        this.keys = keys;
        this.mapper = mapper;
    }

    /** Every seed, by segment id (ascending). */
    public Uni<Map<Long, StoredSeed>> all() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.seeds())).map(r -> {
            Map<Long, StoredSeed> out = new java.util.TreeMap<>();
            if (r != null) {
                for (String field : r.getKeys()) {
                    long id = Long.parseLong(field);
                    out.put(id, decode(id, r.get(field).toString(StandardCharsets.UTF_8)));
                }
            }
            return out;
        });
    }

    /** The shoppers some seed names as an example. */
    public Uni<Set<String>> examples() {
        return all().map(seeds -> {
            Set<String> out = new HashSet<>();
            seeds.values().forEach(s -> out.addAll(s.userIds()));
            return out;
        });
    }

    /** The seeded directions by segment id: what a refit holds in place. */
    public static Map<Long, float[]> directions(Map<Long, StoredSeed> seeds) {
        Map<Long, float[]> out = new LinkedHashMap<>();
        seeds.forEach((id, s) -> {
            float[] d = io.shoal.segmentation.SeededSegments.direction(s.vectors());
            if (d != null) {
                out.put(id, d);
            }
        });
        return out;
    }

    public Uni<Void> save(StoredSeed seed) {
        return redis.send(Request.cmd(Command.HSET).arg(keys.seeds()).arg(Long.toString(seed.segmentId()))
                .arg(encode(seed).getBytes(StandardCharsets.UTF_8))).replaceWithVoid();
    }

    /** @return whether there was such a seed */
    public Uni<Boolean> remove(long segmentId) {
        return redis.send(Request.cmd(Command.HDEL).arg(keys.seeds()).arg(Long.toString(segmentId)))
                .map(r -> r.toLong() > 0);
    }

    /**
     * Forgets a shopper (an erasure): every seed that names them loses the id and the profile vector stored with it;
     * a seed left without examples is removed, and its segment stays as an ordinary one. A seed's direction is read
     * from its examples, so the next refit holds the segment at the remaining examples' mean (between refits its
     * centroid learns from its members, as every centroid does). Each seed is rewritten only if it is still what
     * was read (a seed unpinned meanwhile stays unpinned); a seed that changed is read again.
     *
     * @return the examples removed
     */
    public Uni<Long> forget(String userId) {
        return forget(userId, 0);
    }

    private Uni<Long> forget(String userId, int attempt) {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.seeds())).chain(r -> {
            List<Uni<Long>> writes = new ArrayList<>();
            if (r != null) {
                for (String field : r.getKeys()) {
                    String json = r.get(field).toString(StandardCharsets.UTF_8);
                    StoredSeed seed = decode(Long.parseLong(field), json);
                    StoredSeed rest = without(seed, userId);
                    if (rest == null) {
                        continue;
                    }
                    long removed = seed.userIds().size() - rest.userIds().size();
                    String next = rest.vectors().isEmpty() ? "" : encode(rest);
                    writes.add(REPLACE_IF_UNCHANGED.run(redis, 1, eval -> eval.arg(keys.seeds()).arg(field)
                            .arg(json.getBytes(StandardCharsets.UTF_8)).arg(next.getBytes(StandardCharsets.UTF_8)))
                            .map(done -> done.toLong() == 1 ? removed : -1L));
                }
            }
            if (writes.isEmpty()) {
                return Uni.createFrom().item(0L);
            }
            return Uni.join().all(writes).andFailFast().chain(counts -> {
                long total = 0;
                boolean changed = false;
                for (long c : counts) {
                    changed |= c < 0;
                    total += Math.max(c, 0);
                }
                if (!changed) {
                    return Uni.createFrom().item(total);
                }
                if (attempt >= 8) {
                    return Uni.createFrom().failure(new IllegalStateException(
                            "the seeded segments kept changing while a shopper was removed from them"));
                }
                long done = total;
                return forget(userId, attempt + 1).map(more -> done + more);
            });
        });
    }

    /** The seed without the shopper's examples, or null when it does not name them. */
    static StoredSeed without(StoredSeed seed, String userId) {
        if (!seed.userIds().contains(userId)) {
            return null;
        }
        int texts = seed.texts().size();
        List<String> users = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>(seed.vectors().subList(0, Math.min(texts, seed.vectors().size())));
        for (int i = 0; i < seed.userIds().size(); i++) {
            if (!seed.userIds().get(i).equals(userId)) {
                users.add(seed.userIds().get(i));
                if (texts + i < seed.vectors().size()) {
                    vectors.add(seed.vectors().get(texts + i));
                }
            }
        }
        return new StoredSeed(seed.segmentId(), seed.label(), seed.texts(), users, seed.createdMillis(), vectors);
    }

    private String encode(StoredSeed s) {
        List<String> vectors = new ArrayList<>(s.vectors().size());
        for (float[] v : s.vectors()) {
            vectors.add(Base64.getEncoder().encodeToString(VectorCodec.float32(v)));
        }
        try {
            return mapper.writeValueAsString(new Json(s.label(), s.texts(), s.userIds(), s.createdMillis(), vectors));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private StoredSeed decode(long id, String json) {
        try {
            Json j = mapper.readValue(json, Json.class);
            List<float[]> vectors = new ArrayList<>(j.vectors().size());
            for (String v : j.vectors()) {
                vectors.add(VectorCodec.readFloat32(Base64.getDecoder().decode(v)));
            }
            return new StoredSeed(id, j.label(), j.texts(), j.userIds(), j.createdMillis(), vectors);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("seed " + id + " is not readable: " + e.getMessage(), e);
        }
    }
}

package io.shoal.inference;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Vectors in Redis as binary float32 little-endian strings ({@link Vectors#toBytes}): many keys read with one MGET,
 * many written with one pipelined round trip of SET ... EX.
 */
public final class RedisVectors {

    private final ReactiveRedisDataSource redis;

    public RedisVectors(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /** The vectors stored under {@code keys}; absent keys are absent from the map. */
    public Uni<Map<String, float[]>> getAll(List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return redis.execute(Command.MGET, keys.toArray(String[]::new)).map(response -> {
            Map<String, float[]> found = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                Response value = response.get(i);
                if (value != null) {
                    found.put(keys.get(i), Vectors.fromBytes(value.toBytes()));
                }
            }
            return found;
        });
    }

    /** Stores every vector under its key with the same time to live, in one pipelined round trip. */
    public Uni<Void> putAll(Map<String, float[]> vectorsByKey, Duration ttl) {
        if (vectorsByKey.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long seconds = Math.max(ttl.toSeconds(), 1);
        List<Request> requests = new ArrayList<>(vectorsByKey.size());
        vectorsByKey.forEach((key, vector) -> requests.add(Request.cmd(Command.SET).arg(key)
                .arg(Vectors.toBytes(vector)).arg("EX").arg(seconds)));
        return redis.getRedis().batch(requests).replaceWithVoid();
    }
}

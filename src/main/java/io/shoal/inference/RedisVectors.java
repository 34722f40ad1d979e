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
import java.util.function.Function;

/**
 * Vectors in Redis as binary float32 little-endian strings ({@link Vectors#toBytes}): many keys read with one MGET,
 * many written with one pipelined round trip of SET ... EX.
 */
public final class RedisVectors {

    private final ReactiveRedisDataSource redis;

    public RedisVectors(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /**
     * The vectors stored for {@code names}, each under {@code key.apply(name)}, by name; names without a vector are
     * absent from the map. One MGET.
     */
    public Uni<Map<String, float[]>> getAll(List<String> names, Function<String, String> key) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return redis.execute(Command.MGET, names.stream().map(key).toArray(String[]::new)).map(response -> {
            Map<String, float[]> found = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                Response value = response.get(i);
                if (value != null) {
                    found.put(names.get(i), Vectors.fromBytes(value.toBytes()));
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

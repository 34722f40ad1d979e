package io.shoal.inference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last vector seen for each item, so that an event without text (remove_from_cart with only an itemId) can still
 * be placed. In Redis under {@code <prefix>item:<modelId>:<itemId>}, shared by all instances; in process only when the
 * Redis layer is disabled.
 */
public final class ItemVectorStore {

    private final String keyPrefix;
    private final Optional<RedisVectors> redis;
    private final CacheSettings settings;
    private final Cache<String, float[]> local;

    public ItemVectorStore(ModelSpec model, Optional<RedisVectors> redis, CacheSettings settings) {
        this.keyPrefix = settings.keyPrefix() + "item:" + model.id() + ":";
        this.redis = settings.redisEnabled() ? redis : Optional.empty();
        this.settings = settings;
        this.local = Caffeine.newBuilder().maximumSize(settings.localEntries()).build();
    }

    /** The known vectors of these items (one MGET); unknown items are absent from the map. */
    public Uni<Map<String, float[]>> itemVectors(Collection<String> itemIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(itemIds));
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        if (redis.isEmpty()) {
            return Uni.createFrom().item(new HashMap<>(local.getAllPresent(ids)));
        }
        return redis.get().getAll(ids, this::redisKey);
    }

    /** Records each item's latest vector (one pipelined round trip), replacing older ones. */
    public Uni<Void> rememberItemVectors(Map<String, float[]> vectorsByItem) {
        if (vectorsByItem.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (redis.isEmpty()) {
            local.putAll(vectorsByItem);
            return Uni.createFrom().voidItem();
        }
        Map<String, float[]> byKey = new HashMap<>();
        vectorsByItem.forEach((item, vector) -> byKey.put(redisKey(item), vector));
        return redis.get().putAll(byKey, settings.itemTtl());
    }

    /** {@code <prefix>item:<modelId>:<itemId>}. */
    public String redisKey(String itemId) {
        return keyPrefix + itemId;
    }
}

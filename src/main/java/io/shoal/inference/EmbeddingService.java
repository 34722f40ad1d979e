package io.shoal.inference;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Text and item vectors for the rest of Shoal: the cached embedder ({@link EmbeddingCache}) in front of the model,
 * and the memory of each item's last vector ({@link ItemVectorStore}).
 */
@ApplicationScoped
public class EmbeddingService {

    private final ModelSpec model;
    private final EmbeddingCache cache;
    private final ItemVectorStore items;

    @Inject
    public EmbeddingService(InferenceConfig config, SentenceModelService model, ReactiveRedisDataSource redis,
            MeterRegistry meters) {
        this(model.spec(), config.cacheSettings(), model::encode,
                config.cache().redisEnabled() ? Optional.of(new RedisVectors(redis)) : Optional.empty(), meters);
    }

    /** Without CDI: any encoder, any Redis (tests, benchmarks). */
    public EmbeddingService(ModelSpec model, CacheSettings settings, BatchEncoder encoder,
            Optional<RedisVectors> redis, MeterRegistry meters) {
        this.model = model;
        this.cache = new EmbeddingCache(model, encoder, redis, settings, meters);
        this.items = new ItemVectorStore(model, redis, settings);
    }

    /** One unit vector per text, in input order, through the caches; the model runs on the inference workers. */
    public Uni<List<float[]>> embed(List<String> texts) {
        return cache.embed(texts);
    }

    /** As {@link #embed(List)}, counting cache hits and model time into {@code tally}. */
    public Uni<List<float[]>> embed(List<String> texts, EmbeddingCache.Tally tally) {
        return cache.embed(texts, tally);
    }

    /** The last known vectors of these items; unknown items are absent. */
    public Uni<Map<String, float[]>> itemVectors(Collection<String> itemIds) {
        return items.itemVectors(itemIds);
    }

    /** Records the latest vector of each item. */
    public Uni<Void> rememberItemVectors(Map<String, float[]> vectorsByItem) {
        return items.rememberItemVectors(vectorsByItem);
    }

    /** The model behind the vectors (its id, dimension). */
    public ModelSpec model() {
        return model;
    }

    /** The cache layer, for its key scheme. */
    public EmbeddingCache cache() {
        return cache;
    }

    /** The item memory, for its key scheme. */
    public ItemVectorStore items() {
        return items;
    }
}

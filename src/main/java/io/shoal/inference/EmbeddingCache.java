package io.shoal.inference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Embeds texts through two cache layers, so that a text is run through the model once per TTL across all instances:
 * <ol>
 * <li>normalise every text ({@link TextNormalizer}) and keep each distinct one once;</li>
 * <li>look the distinct texts up in the in-process Caffeine cache;</li>
 * <li>look the remaining ones up in Redis with one MGET, key {@code <prefix>emb:<modelId>:<sha1(text)>};</li>
 * <li>embed what is still missing in sub-batches of at most {@code subBatchSize}, all sub-batches at once (the
 * encoder's worker pool bounds the parallelism);</li>
 * <li>write the new vectors to both layers (Redis: one pipelined round trip), then answer in input order.</li>
 * </ol>
 * Redis is an optimisation: when it fails, the lookup counts as a miss and the write-back is skipped, with a warning.
 * <p>
 * Metrics: {@code shoal.inference.cache.hits} and {@code .misses} tagged {@code layer=local|redis} (hit ratio =
 * hits / (hits + misses)), {@code shoal.inference.texts.embedded} (texts that went through the model) and the timer
 * {@code shoal.inference.batch.latency} per sub-batch (waiting for a worker included).
 */
public final class EmbeddingCache {

    private final String modelId;
    private final TextNormalizer normalizer;
    private final BatchEncoder encoder;
    private final Optional<RedisVectors> redis;
    private final CacheSettings settings;
    private final Cache<String, float[]> local;
    private final Counter localHits;
    private final Counter localMisses;
    private final Counter redisHits;
    private final Counter redisMisses;
    private final Counter embedded;
    private final Timer batchLatency;
    /** Texts being embedded now, each by the one call that claimed it. */
    private final ConcurrentHashMap<String, CompletableFuture<float[]>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param redis the shared layer; empty, or ignored when {@code settings.redisEnabled()} is false
     */
    public EmbeddingCache(ModelSpec model, BatchEncoder encoder, Optional<RedisVectors> redis, CacheSettings settings,
            MeterRegistry meters) {
        this.modelId = model.id();
        this.normalizer = new TextNormalizer(model.lowerCase());
        this.encoder = encoder;
        this.redis = settings.redisEnabled() ? redis : Optional.empty();
        this.settings = settings;
        this.local = Caffeine.newBuilder().maximumSize(settings.localEntries()).build();
        this.localHits = meters.counter("shoal.inference.cache.hits", "layer", "local", "model", modelId);
        this.localMisses = meters.counter("shoal.inference.cache.misses", "layer", "local", "model", modelId);
        this.redisHits = meters.counter("shoal.inference.cache.hits", "layer", "redis", "model", modelId);
        this.redisMisses = meters.counter("shoal.inference.cache.misses", "layer", "redis", "model", modelId);
        this.embedded = meters.counter("shoal.inference.texts.embedded", "model", modelId);
        this.batchLatency = Timer.builder("shoal.inference.batch.latency")
                .description("Time to embed one sub-batch, waiting for a worker included")
                .tag("model", modelId)
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    /**
     * What one call found where: distinct texts served by each cache layer, texts the model embedded and the model's
     * time (for the embedding span's attributes).
     */
    public static final class Tally {
        final AtomicInteger texts = new AtomicInteger();
        final AtomicInteger localHits = new AtomicInteger();
        final AtomicInteger redisHits = new AtomicInteger();
        final AtomicInteger embedded = new AtomicInteger();
        final AtomicLong modelNanos = new AtomicLong();

        public int texts() {
            return texts.get();
        }

        public int localHits() {
            return localHits.get();
        }

        public int redisHits() {
            return redisHits.get();
        }

        public int embedded() {
            return embedded.get();
        }

        /** Sum of the model sub-batches' times (they may overlap on several workers). */
        public long modelNanos() {
            return modelNanos.get();
        }
    }

    /** One unit vector per text, in input order; equal texts (after normalisation) get equal vectors. */
    public Uni<List<float[]>> embed(List<String> texts) {
        return embed(texts, new Tally());
    }

    /** As {@link #embed(List)}, counting into {@code tally}. */
    public Uni<List<float[]>> embed(List<String> texts, Tally tally) {
        if (texts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> normalised = texts.stream().map(normalizer::normalise).toList();
        Map<String, float[]> found = new HashMap<>();
        List<String> localMissed = new ArrayList<>();
        for (String text : new LinkedHashSet<>(normalised)) {
            float[] vector = settings.localEntries() > 0 ? local.getIfPresent(text) : null;
            if (vector != null) {
                found.put(text, vector);
            } else {
                localMissed.add(text);
            }
        }
        localHits.increment(found.size());
        localMisses.increment(localMissed.size());
        tally.texts.addAndGet(found.size() + localMissed.size());
        tally.localHits.addAndGet(found.size());
        if (localMissed.isEmpty()) {
            return Uni.createFrom().item(inOrder(normalised, found));
        }
        return lookUpRedis(localMissed)
                .chain(fromRedis -> {
                    local.putAll(fromRedis);
                    found.putAll(fromRedis);
                    tally.redisHits.addAndGet(fromRedis.size());
                    List<String> missing = localMissed.stream().filter(t -> !fromRedis.containsKey(t)).toList();
                    return embedMissing(missing, tally);
                })
                .chain(fresh -> {
                    local.putAll(fresh);
                    found.putAll(fresh);
                    return writeBack(fresh);
                })
                .map(ignored -> inOrder(normalised, found));
    }

    /** The Redis key of a normalised text: {@code <prefix>emb:<modelId>:<hex sha1 of its UTF-8 bytes>}. */
    public String redisKey(String normalisedText) {
        return settings.keyPrefix() + "emb:" + modelId + ":" + sha1(normalisedText);
    }

    /** The canonical form under which a text is cached. */
    public String normalise(String text) {
        return normalizer.normalise(text);
    }

    /**
     * Which texts are cached, locally or in Redis, aligned with {@code texts}; what Redis holds is kept locally, so
     * that embedding those texts next needs no round trip. Never runs the model and counts no hit or miss (the
     * embedding that follows does). A Redis failure reads as "not cached".
     */
    public Uni<boolean[]> cached(List<String> texts) {
        boolean[] hit = new boolean[texts.size()];
        List<String> normalised = texts.stream().map(normalizer::normalise).toList();
        List<String> elsewhere = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            hit[i] = local.getIfPresent(normalised.get(i)) != null;
            if (!hit[i]) {
                elsewhere.add(normalised.get(i));
            }
        }
        if (elsewhere.isEmpty() || redis.isEmpty()) {
            return Uni.createFrom().item(hit);
        }
        return fetchRedis(new ArrayList<>(new LinkedHashSet<>(elsewhere))).map(fromRedis -> {
            local.putAll(fromRedis);
            for (int i = 0; i < texts.size(); i++) {
                hit[i] |= fromRedis.containsKey(normalised.get(i));
            }
            return hit;
        }).onFailure().recoverWithItem(hit);
    }

    /** The vectors Redis holds for these normalised texts (present ones only). */
    private Uni<Map<String, float[]>> fetchRedis(List<String> texts) {
        return redis.orElseThrow().getAll(texts, this::redisKey);
    }

    private Uni<Map<String, float[]>> lookUpRedis(List<String> texts) {
        if (redis.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return fetchRedis(texts)
                .map(byText -> {
                    redisHits.increment(byText.size());
                    redisMisses.increment(texts.size() - byText.size());
                    return byText;
                })
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf("Embedding cache lookup in Redis failed, embedding %d texts instead: %s", texts.size(),
                            failure.toString());
                    redisMisses.increment(texts.size());
                    return Map.of();
                });
    }

    /**
     * Embeds texts no cache holds. A text already being embedded by another call (the event log consumer warms cold
     * texts in the background while a batch may ask for the same ones) is awaited, not embedded twice.
     */
    private Uni<Map<String, float[]>> embedMissing(List<String> texts, Tally tally) {
        if (texts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<String, CompletableFuture<float[]>> mine = new HashMap<>();
        Map<String, CompletableFuture<float[]>> theirs = new HashMap<>();
        for (String text : texts) {
            // Embedded by another call while this one looked in Redis: the vector is local before its claim ends.
            float[] known = local.getIfPresent(text);
            if (known != null) {
                theirs.put(text, CompletableFuture.completedFuture(known));
                continue;
            }
            CompletableFuture<float[]> claim = new CompletableFuture<>();
            CompletableFuture<float[]> running = inFlight.putIfAbsent(text, claim);
            if (running == null) {
                mine.put(text, claim);
            } else {
                theirs.put(text, running);
            }
        }
        Uni<Map<String, float[]>> own = embedModel(new ArrayList<>(mine.keySet()), tally)
                .invoke(vectors -> {
                    local.putAll(vectors);
                    mine.forEach((text, claim) -> claim.complete(vectors.get(text)));
                })
                .onFailure().invoke(failure -> mine.values().forEach(claim -> claim.completeExceptionally(failure)))
                .onTermination().invoke(() -> mine.forEach(inFlight::remove));
        if (theirs.isEmpty()) {
            return own;
        }
        Uni<Map<String, float[]>> awaited = Uni.createFrom()
                .completionStage(() -> CompletableFuture.allOf(theirs.values().toArray(CompletableFuture[]::new)))
                .map(ignored -> {
                    Map<String, float[]> vectors = new HashMap<>();
                    theirs.forEach((text, running) -> vectors.put(text, running.join()));
                    return vectors;
                });
        return Uni.combine().all().unis(own, awaited).asTuple().map(both -> {
            Map<String, float[]> all = new HashMap<>(both.getItem1());
            all.putAll(both.getItem2());
            return all;
        });
    }

    private Uni<Map<String, float[]>> embedModel(List<String> texts, Tally tally) {
        if (texts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        // Shortest first, so that each model call holds texts of similar length (characters stand in for tokens
        // here; the encoder then splits a call by exact token counts, see LengthBuckets).
        List<String> byLength = new ArrayList<>(texts);
        byLength.sort(Comparator.comparingInt(String::length));
        List<Uni<Map<String, float[]>>> subBatches = new ArrayList<>();
        for (int from = 0; from < byLength.size(); from += settings.subBatchSize()) {
            subBatches.add(embedSubBatch(byLength.subList(from, Math.min(from + settings.subBatchSize(),
                    byLength.size())), tally));
        }
        return Uni.join().all(subBatches).andFailFast().map(results -> {
            Map<String, float[]> all = new HashMap<>();
            results.forEach(all::putAll);
            return all;
        });
    }

    private Uni<Map<String, float[]>> embedSubBatch(List<String> texts, Tally tally) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return encoder.encode(texts).map(vectors -> {
                long took = System.nanoTime() - start;
                batchLatency.record(took, TimeUnit.NANOSECONDS);
                embedded.increment(texts.size());
                tally.embedded.addAndGet(texts.size());
                tally.modelNanos.addAndGet(took);
                if (vectors.length != texts.size()) {
                    throw new IllegalStateException("the encoder returned " + vectors.length + " vectors for "
                            + texts.size() + " texts");
                }
                Map<String, float[]> byText = new HashMap<>();
                for (int i = 0; i < texts.size(); i++) {
                    byText.put(texts.get(i), vectors[i]);
                }
                return byText;
            });
        });
    }

    private Uni<Void> writeBack(Map<String, float[]> fresh) {
        if (redis.isEmpty() || fresh.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, float[]> byKey = new HashMap<>();
        fresh.forEach((text, vector) -> byKey.put(redisKey(text), vector));
        return redis.get().putAll(byKey, settings.ttl())
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf("Embedding cache write-back to Redis failed for %d vectors: %s", byKey.size(),
                            failure.toString());
                    return null;
                });
    }

    /** Copies, so that a caller changing a vector never changes the cached one. */
    private static List<float[]> inOrder(List<String> normalised, Map<String, float[]> vectors) {
        List<float[]> out = new ArrayList<>(normalised.size());
        for (String text : normalised) {
            out.add(vectors.get(text).clone());
        }
        return out;
    }

    private static String sha1(String text) {
        try {
            // A cache key, not a security boundary: SHA-1 is short and collision-free enough for texts.
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }
}

package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventPosition;
import io.shoal.event.EventType;
import io.shoal.pipeline.MicroBatch;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The cache layers and the item memory against the real Redis on 127.0.0.1:6379, each test under its own key prefix.
 * The model is replaced by a deterministic encoder that records its calls (the model itself is tested elsewhere).
 */
class EmbeddingCacheTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ModelSpec MODEL = ModelSpec.allMiniLmL6V2();

    private static Vertx vertx;
    private static Redis client;
    private static ReactiveRedisDataSource redis;

    private String prefix;
    private RecordingEncoder encoder;
    private MeterRegistry meters;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, "redis://127.0.0.1:6379");
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
    }

    @AfterAll
    static void disconnect() {
        client.close();
        vertx.closeAndAwait();
    }

    @BeforeEach
    void setUp() {
        prefix = "shoal-test-inf-" + UUID.randomUUID() + ":";
        encoder = new RecordingEncoder();
        meters = new SimpleMeterRegistry();
    }

    @AfterEach
    void deleteKeys() {
        List<String> keys = keys();
        if (!keys.isEmpty()) {
            redis.execute(Command.DEL, keys.toArray(String[]::new)).await().atMost(WAIT);
        }
    }

    @Test
    void normalisesDeduplicatesAndAnswersInInputOrder() {
        EmbeddingService service = service(true, 32);
        List<float[]> vectors = embed(service, List.of("Red Mug", "  red   MUG ", "blue mug", "red mug"));

        assertThat(encoder.calls).containsExactly(List.of("red mug", "blue mug"));
        assertThat(vectors.get(0)).containsExactly(RecordingEncoder.vector("red mug"));
        assertThat(vectors.get(1)).containsExactly(vectors.get(0));
        assertThat(vectors.get(3)).containsExactly(vectors.get(0));
        assertThat(vectors.get(2)).containsExactly(RecordingEncoder.vector("blue mug"));
        assertThat(counter("shoal.inference.texts.embedded", null)).isEqualTo(2);
    }

    @Test
    void secondLookupIsServedInProcess() {
        EmbeddingService service = service(true, 32);
        embed(service, List.of("lamp", "desk"));
        embed(service, List.of("desk", "lamp"));

        assertThat(encoder.calls).hasSize(1);
        assertThat(counter("shoal.inference.cache.hits", "local")).isEqualTo(2);
        assertThat(counter("shoal.inference.cache.misses", "local")).isEqualTo(2);
    }

    @Test
    void anotherInstanceFindsTheVectorsInRedis() {
        embed(service(true, 32), List.of("lamp", "desk"));
        RecordingEncoder otherEncoder = new RecordingEncoder();
        MeterRegistry otherMeters = new SimpleMeterRegistry();
        EmbeddingService other = new EmbeddingService(MODEL, settings(true, 32), otherEncoder,
                Optional.of(new RedisVectors(redis)), otherMeters);

        List<float[]> vectors = embed(other, List.of("desk", "chair"));

        assertThat(otherEncoder.calls).containsExactly(List.of("chair"));
        assertThat(vectors.get(0)).containsExactly(RecordingEncoder.vector("desk"));
        assertThat(otherMeters.counter("shoal.inference.cache.hits", "layer", "redis", "model", MODEL.id()).count())
                .isEqualTo(1);
    }

    @Test
    void redisHoldsLittleEndianFloatsUnderTheDocumentedKeyWithTtl() throws Exception {
        EmbeddingService service = service(true, 32);
        embed(service, List.of("Mug"));
        String sha1 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest("mug".getBytes(StandardCharsets.UTF_8)));
        String key = prefix + "emb:all-minilm-l6-v2:" + sha1;

        assertThat(service.cache().redisKey("mug")).isEqualTo(key);
        Response value = redis.execute(Command.GET, key).await().atMost(WAIT);
        assertThat(Vectors.fromBytes(value.toBytes())).containsExactly(RecordingEncoder.vector("mug"));
        long ttl = redis.execute(Command.TTL, key).await().atMost(WAIT).toLong();
        assertThat(ttl).isBetween(3590L, 3600L);
    }

    @Test
    void missesAreEmbeddedInSubBatchesOfAtMostTheConfiguredSize() {
        EmbeddingService service = service(true, 3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            texts.add("item " + i);
        }
        List<float[]> vectors = embed(service, texts);

        assertThat(encoder.calls).hasSize(4).allSatisfy(call -> assertThat(call.size()).isLessThanOrEqualTo(3));
        for (int i = 0; i < 10; i++) {
            assertThat(vectors.get(i)).containsExactly(RecordingEncoder.vector("item " + i));
        }
        assertThat(meters.timer("shoal.inference.batch.latency", "model", MODEL.id()).count()).isEqualTo(4);
    }

    @Test
    void subBatchesHoldTextsOfSimilarLength() {
        EmbeddingService service = service(true, 2);
        List<String> texts = List.of("a much longer product title", "mug", "a long title", "cup", "tall vase",
                "an even much longer product title");
        List<float[]> vectors = embed(service, texts);

        // Shortest first, two per call: the short ones are not padded to the long ones.
        assertThat(encoder.calls).containsExactlyInAnyOrder(List.of("mug", "cup"), List.of("tall vase",
                "a long title"), List.of("a much longer product title", "an even much longer product title"));
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i)).containsExactly(RecordingEncoder.vector(texts.get(i)));
        }
    }

    @Test
    void withRedisDisabledNothingIsWrittenToRedis() {
        EmbeddingService service = service(false, 32);
        embed(service, List.of("lamp"));
        service.rememberItemVectors(Map.of("sku-1", new float[] { 1, 0 })).await().atMost(WAIT);

        assertThat(keys()).isEmpty();
        assertThat(service.itemVectors(List.of("sku-1")).await().atMost(WAIT).get("sku-1")).containsExactly(1, 0);
        assertThat(embed(service, List.of("lamp")).get(0)).containsExactly(RecordingEncoder.vector("lamp"));
        assertThat(encoder.calls).hasSize(1);
    }

    @Test
    void itemVectorsRoundTripThroughRedis() {
        EmbeddingService service = service(true, 32);
        service.rememberItemVectors(Map.of("sku-1", new float[] { 0.6f, 0.8f }, "sku-2", new float[] { 1, 0 }))
                .await().atMost(WAIT);

        Map<String, float[]> known = service.itemVectors(List.of("sku-1", "sku-3")).await().atMost(WAIT);

        assertThat(known).containsOnlyKeys("sku-1");
        assertThat(known.get("sku-1")).containsExactly(0.6f, 0.8f);
        assertThat(keys()).contains(prefix + "item:all-minilm-l6-v2:sku-1", prefix + "item:all-minilm-l6-v2:sku-2");
    }

    private static MicroBatch batch(long sequence, List<BehaviorEvent> events) {
        List<EventPosition> positions = new java.util.ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            positions.add(new EventPosition(0, i));
        }
        return new MicroBatch(sequence, events, positions);
    }

    @Test
    void eventsWithoutTextReuseTheItemsLastVector() {
        EmbeddingService service = service(true, 32);
        EventEmbedder embedder = new EventEmbedder(service);
        MicroBatch first = batch(1, List.of(
                event(EventType.VIEW, "sku-1", "Red Mug", "Kitchen"),
                event(EventType.SEARCH, "sku-2", "cheap mugs", null)));
        EmbeddedBatch embedded = embedder.embed(first).await().atMost(WAIT);

        assertThat(embedded.events().get(0).vector()).containsExactly(RecordingEncoder.vector("red mug (kitchen)"));
        assertThat(embedded.events().get(1).vector()).containsExactly(RecordingEncoder.vector("cheap mugs"));

        MicroBatch second = batch(2, List.of(
                event(EventType.REMOVE_FROM_CART, "sku-1", null, null),
                event(EventType.REMOVE_FROM_CART, "sku-2", null, null),
                event(EventType.WISHLIST, null, null, null)));
        EmbeddedBatch reused = embedder.embed(second).await().atMost(WAIT);

        assertThat(reused.sequence()).isEqualTo(2);
        assertThat(reused.modelId()).isEqualTo("all-minilm-l6-v2");
        assertThat(reused.events().get(0).vector()).containsExactly(RecordingEncoder.vector("red mug (kitchen)"));
        // A search query is not an item title: it does not become the item's vector.
        assertThat(reused.events().get(1).hasVector()).isFalse();
        assertThat(reused.events().get(2).hasVector()).isFalse();
    }

    @Test
    void aTextBeingEmbeddedIsAwaitedByASecondCallNotEmbeddedTwice() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        BatchEncoder gated = texts -> Uni.createFrom().completionStage(gate)
                .chain(() -> encoder.encode(texts));
        // Without the Redis layer the calls claim their texts as they are subscribed, in this order.
        EmbeddingCache cache = new EmbeddingCache(MODEL, gated, Optional.empty(), settings(false, 32), meters);
        // The first call claims both texts and waits in the model; the second asks for one of them and a new one.
        CompletableFuture<List<float[]>> first = cache.embed(List.of("Red Mug", "Blue Jug"))
                .subscribeAsCompletionStage();
        CompletableFuture<List<float[]>> second = cache.embed(List.of("blue jug", "Green Bowl"))
                .subscribeAsCompletionStage();
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        gate.complete(null);

        assertThat(second.join()).containsExactly(RecordingEncoder.vector("blue jug"),
                RecordingEncoder.vector("green bowl"));
        assertThat(first.join()).containsExactly(RecordingEncoder.vector("red mug"),
                RecordingEncoder.vector("blue jug"));
        assertThat(encoder.calls.stream().flatMap(List::stream).toList())
                .containsExactlyInAnyOrder("red mug", "blue jug", "green bowl");
    }

    @Test
    void aFailedEmbeddingFailsItsWaitersAndTheTextCanBeEmbeddedAgain() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        boolean[] fail = {true};
        BatchEncoder flaky = texts -> Uni.createFrom().completionStage(gate).chain(() -> fail[0]
                ? Uni.createFrom().failure(new IllegalStateException("model down"))
                : encoder.encode(texts));
        EmbeddingCache cache = new EmbeddingCache(MODEL, flaky, Optional.empty(), settings(false, 32), meters);
        CompletableFuture<List<float[]>> first = cache.embed(List.of("red mug")).subscribeAsCompletionStage();
        CompletableFuture<List<float[]>> waiter = cache.embed(List.of("red mug")).subscribeAsCompletionStage();
        gate.complete(null);
        assertThat(first).failsWithin(WAIT);
        assertThat(waiter).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("model down");
        fail[0] = false;
        assertThat(cache.embed(List.of("red mug")).await().atMost(WAIT))
                .containsExactly(RecordingEncoder.vector("red mug"));
    }

    @Test
    void cachedTellsWhatEitherLayerHoldsWithoutRunningTheModelOrCounting() {
        EmbeddingService service = service(true, 32);
        embed(service, List.of("Red Mug"));
        // A second process: its local cache is empty, Redis has the vector.
        EmbeddingCache other = new EmbeddingCache(MODEL, encoder, Optional.of(new RedisVectors(redis)),
                settings(true, 32), new SimpleMeterRegistry());
        int callsBefore = encoder.calls.size();
        double hitsBefore = counter("shoal.inference.cache.hits", "redis");

        boolean[] hit = other.cached(List.of("red  mug", "Blue Jug", "RED MUG")).await().atMost(WAIT);

        assertThat(hit).containsExactly(true, false, true);
        assertThat(encoder.calls).hasSize(callsBefore);
        assertThat(counter("shoal.inference.cache.hits", "redis")).isEqualTo(hitsBefore);
        // What Redis held is now local: embedding it needs neither Redis nor the model.
        assertThat(other.embed(List.of("red mug")).await().atMost(WAIT))
                .containsExactly(RecordingEncoder.vector("red mug"));
        assertThat(encoder.calls).hasSize(callsBefore);
    }

    private EmbeddingService service(boolean redisEnabled, int subBatchSize) {
        return new EmbeddingService(MODEL, settings(redisEnabled, subBatchSize), encoder,
                Optional.of(new RedisVectors(redis)), meters);
    }

    private CacheSettings settings(boolean redisEnabled, int subBatchSize) {
        return new CacheSettings(1000, redisEnabled, prefix, Duration.ofHours(1), Duration.ofHours(2), subBatchSize);
    }

    private static List<float[]> embed(EmbeddingService service, List<String> texts) {
        return service.embed(texts).await().atMost(WAIT);
    }

    private double counter(String name, String layer) {
        return layer == null ? meters.counter(name, "model", MODEL.id()).count()
                : meters.counter(name, "layer", layer, "model", MODEL.id()).count();
    }

    private List<String> keys() {
        Response response = redis.execute(Command.KEYS, prefix + "*").await().atMost(WAIT);
        List<String> keys = new ArrayList<>();
        response.forEach(key -> keys.add(key.toString()));
        return keys;
    }

    private static BehaviorEvent event(EventType type, String itemId, String text, String category) {
        Instant now = Instant.now();
        return new BehaviorEvent(UUID.randomUUID().toString(), "user-1", type, itemId, text, category, null, null, now,
                now);
    }

    /** A stand-in model: a fixed unit vector per text derived from its hash, and a log of the batches it saw. */
    static final class RecordingEncoder implements BatchEncoder {
        final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Uni<float[][]> encode(List<String> texts) {
            calls.add(List.copyOf(texts));
            return Uni.createFrom().item(texts.stream().map(RecordingEncoder::vector).toArray(float[][]::new));
        }

        static float[] vector(String text) {
            double angle = (text.hashCode() & 0xffff) / 65536.0 * 2 * Math.PI;
            return new float[] { (float) Math.cos(angle), (float) Math.sin(angle) };
        }
    }
}

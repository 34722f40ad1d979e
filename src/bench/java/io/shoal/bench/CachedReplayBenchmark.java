package io.shoal.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.shoal.inference.CacheSettings;
import io.shoal.inference.EmbeddingService;
import io.shoal.inference.InferenceDevice;
import io.shoal.inference.ModelSpec;
import io.shoal.inference.RedisVectors;
import io.shoal.inference.SentenceEncoder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * End to end through the cache: the first 50,000 Online Retail descriptions (about 3,000 distinct) replayed in file
 * order, in micro-batches of 256 texts, through Caffeine, Redis on 127.0.0.1:6379 (own key prefix, deleted after)
 * and the model on 2 workers. Scores are texts/s.
 * <ul>
 * <li>{@code cold}: empty caches at the start; misses are embedded as they come, then repeats hit.</li>
 * <li>{@code redis}: a fresh instance on a warm Redis, without an in-process layer: one MGET per micro-batch.</li>
 * <li>{@code local}: everything already in process.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CachedReplayBenchmark {

    private static final int MICRO_BATCH = 256;
    private static final int WORKERS = 2;
    private static final int REPLAY_ROWS = 50_000;

    @Param({ "cold", "redis", "local" })
    public String scenario;

    private Vertx vertx;
    private Redis client;
    private ReactiveRedisDataSource redis;
    private ExecutorService executor;
    private SentenceEncoder encoder;
    private SimpleMeterRegistry meters;
    private EmbeddingService service;
    private String prefix;
    private List<String> replay;
    private int cursor;

    @Setup(Level.Trial)
    public void start() {
        ModelSpec spec = ModelSpec.allMiniLmL6V2();
        encoder = SentenceEncoder.load(spec, EncoderBenchmark.CACHE_DIR, InferenceDevice.CPU, WORKERS, 0);
        executor = Executors.newFixedThreadPool(WORKERS);
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, "redis://127.0.0.1:6379");
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
        prefix = "shoal-bench-inf-" + UUID.randomUUID() + ":";
        meters = new SimpleMeterRegistry();
        replay = OnlineRetail.descriptions(REPLAY_ROWS);
        service = service(100_000);
        if (!scenario.equals("cold")) {
            List<String> distinct = replay.stream().distinct().toList();
            for (int from = 0; from < distinct.size(); from += MICRO_BATCH) {
                service.embed(distinct.subList(from, Math.min(from + MICRO_BATCH, distinct.size())))
                        .await().atMost(Duration.ofMinutes(5));
            }
            if (scenario.equals("redis")) {
                meters = new SimpleMeterRegistry();
                service = service(0);
            }
        }
    }

    private EmbeddingService service(long localEntries) {
        CacheSettings settings = new CacheSettings(localEntries, true, prefix, Duration.ofHours(1),
                Duration.ofHours(1), 32);
        return new EmbeddingService(ModelSpec.allMiniLmL6V2(), settings,
                texts -> Uni.createFrom().item(() -> encoder.encode(texts)).runSubscriptionOn(executor),
                Optional.of(new RedisVectors(redis)), meters);
    }

    @TearDown(Level.Trial)
    public void stop() {
        System.out.printf("%n%s: embedded %.0f texts, local hits %.0f, redis hits %.0f%n", scenario,
                meters.counter("shoal.inference.texts.embedded", "model", "all-minilm-l6-v2").count(),
                meters.counter("shoal.inference.cache.hits", "layer", "local", "model", "all-minilm-l6-v2").count(),
                meters.counter("shoal.inference.cache.hits", "layer", "redis", "model", "all-minilm-l6-v2").count());
        Response keys = redis.execute(Command.KEYS, prefix + "*").await().atMost(Duration.ofSeconds(30));
        List<String> names = new ArrayList<>();
        keys.forEach(key -> names.add(key.toString()));
        for (int from = 0; from < names.size(); from += 1000) {
            redis.execute(Command.DEL, names.subList(from, Math.min(from + 1000, names.size()))
                    .toArray(String[]::new)).await().atMost(Duration.ofSeconds(30));
        }
        client.close();
        vertx.closeAndAwait();
        executor.shutdownNow();
        encoder.close();
    }

    @Benchmark
    @OperationsPerInvocation(MICRO_BATCH)
    public List<float[]> replay() {
        if (cursor + MICRO_BATCH > replay.size()) {
            cursor = 0;
        }
        List<String> batch = replay.subList(cursor, cursor + MICRO_BATCH);
        cursor += MICRO_BATCH;
        return service.embed(batch).await().atMost(Duration.ofMinutes(1));
    }
}

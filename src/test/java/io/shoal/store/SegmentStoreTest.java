package io.shoal.store;

import io.shoal.config.VectorEncoding;
import io.shoal.segmentation.SegmentModel;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.testing.ShoalTestResources;
import jakarta.inject.Inject;

/** The atomic batch update on the real Redis: concurrent updaters lose nothing, a retried batch changes nothing. */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class SegmentStoreTest {

    private static final int K = 3;
    private static final int D = 4;

    @Inject
    SegmentStore store;

    @Inject
    RedisKeys keys;

    @Inject
    RedisDataSource redis;

    @BeforeEach
    void freshModel() {
        redis.key().del(keys.model());
        float[][] sums = { { 1, 0, 0, 0 }, { 0, 2, 0, 0 }, { 0, 0, 3, 0 } };
        SegmentModel model = new SegmentModel(Algorithm.KMEANS, K, D, 0, 3, new long[] { 0, 1, 2 },
                new double[] { 1, 2, 3 }, sums, null, new long[K]);
        assertThat(store.replaceModel(model, null, "{}", false).await().atMost(Duration.ofSeconds(5))).isEqualTo(1L);
    }

    private SegmentStore.BatchWrite batch(String id, SegmentModel plannedOn, int slot, float value) {
        double[] counts = new double[K];
        double[][] sums = new double[K][D];
        counts[slot] = 1;
        sums[slot][3] = value;
        return new SegmentStore.BatchWrite(id, 1.0, plannedOn, counts, sums, null, List.of(), Map.of(),
                Map.of(), Map.of(), 100, 60, 0);
    }

    /** What one shopper's state may take in Redis ({@code MEMORY USAGE}; README, "Memory per shopper"). */
    long stateBudgetBytes() {
        return 1024;
    }

    @Test
    void twoConcurrentUpdatersLoseNoUpdate() throws Exception {
        SegmentModel base = store.model().await().atMost(Duration.ofSeconds(5));
        int perWorker = 200;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Callable<Void>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int worker = w;
            workers.add(() -> {
                for (int i = 0; i < perWorker; i++) {
                    // Worker 0 feeds slot 0, worker 1 slot 1, both slot 2 every 4th batch: the same centroids.
                    int slot = i % 4 == 0 ? 2 : worker;
                    SegmentStore.Applied a = store.apply(batch("w" + worker + "-" + i + "-" + UUID.randomUUID(), base,
                            slot, 1f)).await().atMost(Duration.ofSeconds(10));
                    assertThat(a.applied()).isTrue();
                }
                return null;
            });
        }
        for (Future<Void> f : pool.invokeAll(workers)) {
            f.get();
        }
        pool.shutdown();

        SegmentModel after = store.model().await().atMost(Duration.ofSeconds(5));
        assertThat(after.version()).isEqualTo(1 + 2 * perWorker);
        // Each worker sent 150 batches to its own slot and 50 to slot 2 (decay 1: plain sums).
        assertThat(after.weights()).containsExactly(1 + 150, 2 + 150, 3 + 100);
        assertThat(after.sums()[0][3]).isEqualTo(150f);
        assertThat(after.sums()[1][3]).isEqualTo(150f);
        assertThat(after.sums()[2][3]).isEqualTo(100f);
        assertThat(after.sums()[2][2]).isEqualTo(3f);
    }

    @Test
    void decayIsAppliedToEverySlotAndARetriedBatchIsANoOp() {
        SegmentModel base = store.model().await().atMost(Duration.ofSeconds(5));
        SegmentStore.BatchWrite w = new SegmentStore.BatchWrite("retry-" + UUID.randomUUID(), 0.5, base,
                new double[] { 2, 0, 0 }, new double[][] { { 0, 0, 0, 4 }, new double[D], new double[D] }, null,
                List.of(new SegmentStore.UserWrite("u1", StoredUserCodec.write(new StoredUser(
                        new io.shoal.segmentation.UserProfile(new float[] { 0, 1, 0, 0 }, 1.5, 1000L), 7L, 1000L, 0.9,
                        0.1, 1, null), VectorEncoding.FLOAT32))),
                Map.of(7L, 1L), Map.of(), new LinkedHashMap<>(Map.of("red mug", new float[] { 1, 0, 0, 0 })), 100, 60, 1);
        String sized = redis.hash(String.class).hget(keys.segmentSizes(), "7");
        long sizeBefore = sized == null ? 0 : Long.parseLong(sized);
        SegmentStore.Applied first = store.apply(w).await().atMost(Duration.ofSeconds(5));
        SegmentStore.Applied again = store.apply(w).await().atMost(Duration.ofSeconds(5));
        assertThat(first.applied()).isTrue();
        assertThat(again.applied()).isFalse();
        assertThat(again.stale()).isFalse();

        SegmentModel after = store.model().await().atMost(Duration.ofSeconds(5));
        assertThat(after.version()).isEqualTo(2);
        assertThat(after.weights()).containsExactly(0.5 * 1 + 2, 0.5 * 2, 0.5 * 3);
        assertThat(after.sums()[0]).containsExactly(0.5f, 0f, 0f, 4f);
        assertThat(after.sums()[1]).containsExactly(0f, 1f, 0f, 0f);
        assertThat(after.sums()[2]).containsExactly(0f, 0f, 1.5f, 0f);
        StoredUser u1 = store.user("u1").await().atMost(Duration.ofSeconds(5));
        assertThat(u1.profile().weight()).isEqualTo(1.5);
        assertThat(u1.profile().vector()).containsExactly(0f, 1f, 0f, 0f);
        assertThat(u1.segmentId()).isEqualTo(7L);
        assertThat(Long.parseLong(redis.hash(String.class).hget(keys.segmentSizes(), "7"))).isEqualTo(sizeBefore + 1);
        assertThat(store.recentTexts().await().atMost(Duration.ofSeconds(5))).containsKey("red mug");
    }

    @Test
    void aBatchPlannedOnAnotherShapeIsStale() {
        SegmentModel other = new SegmentModel(Algorithm.KMEANS, K, 8, 1, 3, new long[] { 0, 1, 2 },
                new double[K], new float[K][8], null, new long[K]);
        SegmentStore.Applied a = store.apply(new SegmentStore.BatchWrite("stale-" + UUID.randomUUID(), 1.0, other,
                new double[K], new double[K][8], null, List.of(), Map.of(), Map.of(), Map.of(), 100, 60, 0))
                .await().atMost(Duration.ofSeconds(5));
        assertThat(a.stale()).isTrue();
        assertThat(a.detail()).contains("dim=4").contains("dim=8");
    }

    @Test
    void replaceIsACompareAndSet() {
        SegmentModel m = store.model().await().atMost(Duration.ofSeconds(5));
        assertThat(store.replaceModel(m, 99L, "{}", false).await().atMost(Duration.ofSeconds(5))).isEqualTo(-1L);
        assertThat(store.replaceModel(m, null, "{}", false).await().atMost(Duration.ofSeconds(5))).isEqualTo(-1L);
        // The compare is on the generation (a swap), not the version (which every batch bumps).
        assertThat(store.replaceModel(m, m.generation() + 1, "{}", false).await().atMost(Duration.ofSeconds(5)))
                .isEqualTo(-1L);
        assertThat(store.replaceModel(m, m.generation(), "{}", false).await().atMost(Duration.ofSeconds(5)))
                .isEqualTo(m.version() + 1);
    }

    @Test
    void aProfileAt384DimensionsTakesUnderOneKibibyteInRedis() {
        float[] v = new float[384];
        v[0] = 1;
        String user = "mem-" + UUID.randomUUID();
        byte[] record = StoredUserCodec.write(new StoredUser(new io.shoal.segmentation.UserProfile(v, 12.3456789, 1_700_000_000_000L),
                17L, 1_700_000_000_000L, 0.8123, 0.0612, 123456, null), VectorEncoding.FLOAT16);
        SegmentModel base = store.model().await().atMost(Duration.ofSeconds(5));
        store.apply(new SegmentStore.BatchWrite("mem-" + UUID.randomUUID(), 1.0, null, new double[0],
                new double[0][0], null, List.of(new SegmentStore.UserWrite(user, record)), Map.of(), Map.of(),
                Map.of(), 100, 60, 0)).await().atMost(Duration.ofSeconds(5));
        assertThat(base).isNotNull();
        Object bytes = redis.execute("MEMORY", "USAGE", keys.userProfile(user)).toLong();
        assertThat((Long) bytes).isLessThanOrEqualTo(stateBudgetBytes());
    }

    @Test
    void aBatchPlannedOnAShopperStateThatChangedSinceIsStaleAndWritesNothing() {
        SegmentModel base = store.model().await().atMost(Duration.ofSeconds(5));
        String user = "digest-" + UUID.randomUUID();
        float[] v = { 1, 0, 0, 0 };
        byte[] first = StoredUserCodec.write(new StoredUser(new io.shoal.segmentation.UserProfile(v, 1, 1000L), 0L,
                1000L, 0.9, 0.1, 1, null), VectorEncoding.FLOAT32);
        byte[] second = StoredUserCodec.write(new StoredUser(new io.shoal.segmentation.UserProfile(v, 2, 2000L), 1L,
                2000L, 0.8, 0.1, 2, null), VectorEncoding.FLOAT32);
        SegmentStore.BatchWrite create = withUsers(batch("d1-" + UUID.randomUUID(), base, 0, 1f),
                List.of(new SegmentStore.UserWrite(user, first, "")));
        assertThat(store.apply(create, List.of()).await().atMost(Duration.ofSeconds(5)).applied()).isTrue();
        SegmentStore.Loaded loaded = store.load(List.of(user)).await().atMost(Duration.ofSeconds(5));
        assertThat(loaded.digests().get(user)).isEqualTo(SegmentStore.digest(first));

        // Planned on the state just loaded: applies.
        SegmentStore.BatchWrite onLoaded = withUsers(batch("d2-" + UUID.randomUUID(), base, 0, 1f),
                List.of(new SegmentStore.UserWrite(user, second, loaded.digests().get(user))));
        assertThat(store.apply(onLoaded, List.of()).await().atMost(Duration.ofSeconds(5)).applied()).isTrue();
        // Planned on the first state again (another writer moved it since): stale, nothing written.
        SegmentStore.BatchWrite onOld = withUsers(batch("d3-" + UUID.randomUUID(), base, 0, 1f),
                List.of(new SegmentStore.UserWrite(user, first, SegmentStore.digest(first))));
        SegmentStore.Applied stale = store.apply(onOld, List.of()).await().atMost(Duration.ofSeconds(5));
        assertThat(stale.stale()).isTrue();
        assertThat(store.user(user).await().atMost(Duration.ofSeconds(5)).segmentId()).isEqualTo(1L);
        // A user planned as new ("" : no state) that exists meanwhile: stale too.
        SegmentStore.BatchWrite asNew = withUsers(batch("d4-" + UUID.randomUUID(), base, 0, 1f),
                List.of(new SegmentStore.UserWrite(user, first, "")));
        assertThat(store.apply(asNew, List.of()).await().atMost(Duration.ofSeconds(5)).stale()).isTrue();
    }

    private static SegmentStore.BatchWrite withUsers(SegmentStore.BatchWrite w, List<SegmentStore.UserWrite> users) {
        return new SegmentStore.BatchWrite(w.batchId(), w.decay(), w.plannedOn(), w.counts(), w.sums(), w.squares(),
                users, w.sizeDeltas(), w.sample(), w.recentTexts(), w.sampleCap(), w.markerTtlSeconds(),
                w.newlyProfiled());
    }
}

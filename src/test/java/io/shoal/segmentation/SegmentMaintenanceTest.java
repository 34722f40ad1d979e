package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoal.audit.HistoryRepository;
import io.shoal.audit.SegmentChangeEntity;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.store.RedisKeys;
import io.shoal.store.SegmentStore;
import io.shoal.segmentation.RefitPolicy;
import io.shoal.segmentation.SegmentModel;
import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.shoal.config.VectorEncoding;
import io.shoal.testing.ShoalTestResources;
import jakarta.inject.Inject;

/**
 * Maintenance on the real stores: a starving segment is retired and its slot re-seeded under a new id, the
 * lifecycle is recorded, and a shopper of the retired segment is moved at once with reason segment_retired.
 */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class SegmentMaintenanceTest {

    private static final int D = 384;

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    HistoryRepository history;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    private final SplittableRandom random = new SplittableRandom(11);

    private float[] unit(float[] around, double noise) {
        float[] v = new float[D];
        double n = 0;
        for (int i = 0; i < D; i++) {
            v[i] = (float) ((around == null ? 0 : around[i]) + noise * random.nextGaussian() / Math.sqrt(D));
            n += (double) v[i] * v[i];
        }
        for (int i = 0; i < D; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    @Test
    void aStarvingSegmentIsRetiredReseededAndItsShoppersMoveAtOnce() {
        float[][] centres = { unit(null, 1), unit(null, 1), unit(null, 1) };
        double[] weights = { 100, 100, 0.1 };
        float[][] sums = new float[3][];
        for (int j = 0; j < 3; j++) {
            sums[j] = centres[j].clone();
            for (int i = 0; i < D; i++) {
                sums[j][i] *= (float) weights[j];
            }
        }
        redis.key().del(keys.model());
        SegmentModel model = new SegmentModel(Algorithm.KMEANS, 3, D, 0, 3, new long[] { 0, 1, 2 }, weights, sums,
                null, new long[3]);
        long version = store.replaceModel(model, null, "{}", false).await().atMost(Duration.ofSeconds(5));

        List<SegmentStore.UserWrite> users = new ArrayList<>();
        Map<String, float[]> sample = new LinkedHashMap<>();
        for (int u = 0; u < 60; u++) {
            int home = u % 2;
            float[] p = unit(centres[home], 1.2);
            String id = "maint-" + u;
            users.add(new SegmentStore.UserWrite(id, StoredUserCodec.write(new StoredUser(
                    new UserProfile(p, 3, 1_000), (long) home, 1_000, 0.8, 0.1, version, null), VectorEncoding.FLOAT16)));
            sample.put(id, p);
        }
        // A shopper still in the starving segment 2, whose profile now sits near segment 1.
        float[] victim = unit(centres[1], 0.5);
        users.add(new SegmentStore.UserWrite("maint-victim", StoredUserCodec.write(new StoredUser(
                new UserProfile(victim, 3, 1_000), 2L, 1_000, 0.8, 0.1, version, null), VectorEncoding.FLOAT16)));
        sample.put("maint-victim", victim);
        store.apply(new SegmentStore.BatchWrite("maint-setup", 1, null, new double[0], new double[0][0], null, users,
                Map.of(), sample, Map.of(), 5000, 60, 0)).await().atMost(Duration.ofSeconds(10));

        manager.maintain(RefitPolicy.Trigger.CHECK).await().atMost(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(manager::idle);

        // The check finds the live model far from a fit (a shopper sits in a starving segment far from it): the
        // model is swapped (refit or rescue) with a generation bump, and the sweep moves that shopper at once.
        SegmentModel after = store.model().await().atMost(Duration.ofSeconds(5));
        assertThat(after.generation()).isEqualTo(1);
        assertThat(after.k()).isEqualTo(manager.params().k());
        StoredUser moved = store.user("maint-victim").await().atMost(Duration.ofSeconds(5));
        assertThat(moved.segmentId()).isNotEqualTo(2L);
        // The sweep's audit rows reach PostgreSQL through the outbox relay, moments after Redis.
        List<SegmentChangeEntity> rows = await().atMost(Duration.ofSeconds(10)).until(
                () -> history.history("maint-victim", 0, 5).await().atMost(Duration.ofSeconds(5)), r -> !r.isEmpty());
        assertThat(rows.get(0).reason).isIn("refit", "rescue");
        assertThat(rows.get(0).fromSegment).isEqualTo(2L);
        assertThat(rows.get(0).toSegment).isEqualTo(moved.segmentId());
        int slot = after.slotOf(moved.segmentId());
        assertThat(slot).as("the sweep decides by the nearest segment").isEqualTo(
                StreamingKMeans.assign(after.kmeans(), moved.profile().vector()).segment());
    }
}

package io.shoal.segmenting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.shoal.audit.HistoryRepository;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.segmentation.ClusteringMetrics;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.SegmentModel;
import io.shoal.store.RedisKeys;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.shoal.testing.RedisCleaner;
import io.shoal.testing.RetailTexts;
import io.shoal.testing.ShoalTestResources;

/**
 * The online GMM end to end in the service: the same engine seeds, refits (matched ids, generation bump) and sweeps
 * it; shoppers of four real product kinds get segments that follow their kind, with soft memberships stored.
 */
@QuarkusTest
@TestProfile(GmmServiceTest.Gmm.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class GmmServiceTest {

    public static class Gmm implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> o = new HashMap<>(EngineParityTest.OVERRIDES);
            o.put("shoal.segmentation.algorithm", "gmm");
            return o;
        }
    }

    private static final String[] KINDS = { "LUNCH BAG", "CAKE", "CHRISTMAS", "CANDLE" };

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @Inject
    HistoryRepository history;

    @Inject
    RedisKeys keys;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisUrl;

    @Test
    void theGmmIsSeededRefitAndSweptInTheServiceAndFollowsTheKinds() {
        RedisCleaner.deleteByPrefix(redisUrl, keys.prefix());
        Map<String, List<String>> texts = RetailTexts.byKeyword(KINDS);
        Random random = new Random(5);
        List<String> users = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        List<Map<String, Object>> events = new ArrayList<>();
        Instant t = Instant.parse("2011-05-02T10:00:00Z");
        for (int round = 0; round < 6; round++) {
            for (int k = 0; k < KINDS.length; k++) {
                for (int u = 0; u < 20; u++) {
                    String user = "gmm-k" + k + "-u" + u;
                    if (round == 0) {
                        users.add(user);
                        truth.add(k);
                    }
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("eventId", user + "-" + round);
                    e.put("userId", user);
                    e.put("type", "purchase");
                    List<String> pool = texts.get(KINDS[k]);
                    e.put("text", pool.get(random.nextInt(pool.size())));
                    t = t.plusSeconds(30);
                    e.put("occurredAt", t.toString());
                    events.add(e);
                }
            }
        }
        for (int from = 0; from < events.size(); from += 64) {
            ServiceFeed.post(events.subList(from, Math.min(events.size(), from + 64)));
            ServiceFeed.awaitQuiet(limiter, manager);
        }

        SegmentModel model = store.model().await().atMost(Duration.ofSeconds(5));
        assertThat(model.algorithm()).isEqualTo(Algorithm.GMM);
        assertThat(model.generation()).as("seeded, then refit as the shoppers grew").isGreaterThanOrEqualTo(2);
        List<StoredUser> stored = store.users(users).await().atMost(Duration.ofSeconds(5));
        Map<Long, Integer> dense = new HashMap<>();
        int[] found = new int[users.size()];
        for (int i = 0; i < users.size(); i++) {
            StoredUser u = stored.get(i);
            assertThat(u.segmentId()).as("segment of %s", users.get(i)).isNotNull();
            assertThat(model.slotOf(u.segmentId())).as("a live segment").isNotNegative();
            found[i] = dense.computeIfAbsent(u.segmentId(), x -> dense.size());
        }
        assertThat(stored).anySatisfy(u -> assertThat(u.memberships()).isNotBlank());
        int[] kinds = truth.stream().mapToInt(Integer::intValue).toArray();
        assertThat(ClusteringMetrics.adjustedRandIndex(kinds, found)).isGreaterThanOrEqualTo(0.8);
        // The audit rows reach PostgreSQL through the outbox relay, after Redis.
        await().atMost(Duration.ofSeconds(30)).until(
                () -> history.history(users.get(0), 0, 10).await().atMost(Duration.ofSeconds(5)), r -> !r.isEmpty());
    }
}

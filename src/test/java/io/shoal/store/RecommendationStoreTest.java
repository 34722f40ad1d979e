package io.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoal.config.VectorEncoding;
import io.shoal.event.EventPosition;
import io.shoal.recommendation.DecayClock;
import io.shoal.recommendation.Interaction;
import io.shoal.recommendation.RecommendationParams;
import io.shoal.recommendation.RecommendationState;
import io.shoal.recommendation.RecommendationUpdate;
import io.shoal.recommendation.Recommender;
import io.shoal.recommendation.ShopperView;
import io.shoal.recommendation.Strategy;
import io.shoal.segmentation.UserProfile;
import io.shoal.testing.ShoalTestResources;

/**
 * The scripts apply exactly the Java rule: random batches go through apply_recommendation.lua on the real Redis and
 * through {@link RecommendationState#apply}, and every shopper's view read by recommend.lua equals the in-memory
 * one, bit for bit (small bounds, so trims and catalogue evictions happen). Plus: each event once, and the memory a
 * shopper costs.
 */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class RecommendationStoreTest {

    private static final long DAY = 24 * 3600 * 1000L;

    @Inject
    ReactiveRedisDataSource reactive;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    SegmentStore segmentStore;

    private final String prefix = "rectest-" + UUID.randomUUID() + ":";

    @AfterEach
    void cleanUp() {
        segmentStore.unlinkMatching(myKeys().everyKeyPattern()).await().atMost(Duration.ofSeconds(10));
    }

    private RedisKeys myKeys() {
        return new RedisKeys(keys.prefix() + prefix);
    }

    private void segment(RedisKeys k, String user, Long segment) {
        byte[] state = StoredUserCodec.write(new StoredUser(segment == null || segment % 2 == 0
                ? new UserProfile(new float[] {1, 0}, 2.5, 1_700_000_000_000L) : null, segment, 1L, 0.9, 0.1, 3,
                null), VectorEncoding.FLOAT32);
        redis.value(byte[].class).set(k.userProfile(user), state);
    }

    @Test
    void theScriptsApplyAndReadExactlyAsTheJavaRule() {
        SplittableRandom random = new SplittableRandom(2026);
        // Conversion window 3 days, 4 shown items per shopper; L = 2 items of a basket remembered, K = 3 kept per
        // item, S = 2 sources read: every limit is reached.
        RecommendationParams params = new RecommendationParams(30 * DAY, 7 * DAY, 6, 5, 12, 5, 0.25, 0.1, 0.5, 0.3,
                0.3, 3 * DAY, 4, 2, 3, 2, 1);
        RedisKeys k = myKeys();
        RecommendationStore store = new RecommendationStore(reactive.getRedis(), k, params);
        RecommendationState memory = new RecommendationState(params);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add("shopper " + i + (i == 3 ? " ünïcode ✓" : ""));
        }
        Map<String, Long> segments = new HashMap<>();
        Map<String, Long> offsets = new HashMap<>();
        long t = DecayClock.EPOCH + 2000 * DAY;
        Interaction.Kind[] kinds = Interaction.Kind.values();
        String lastUser = null;
        for (int batch = 0; batch < 60; batch++) {
            // Shoppers change segment (or have none) between batches, as the segmentation stage decides.
            for (String u : users) {
                Long s = random.nextInt(4) == 0 ? null : (long) random.nextInt(3) + 1;
                segments.put(u, s);
                segment(k, u, s);
            }
            List<Interaction> interactions = new ArrayList<>();
            int n = 1 + random.nextInt(20);
            for (int i = 0; i < n; i++) {
                // A basket: the same shopper at the same time (half the batches go on with the last basket of
                // the one before); else another shopper, or the same one later.
                boolean goOn = lastUser != null && (i == 0 ? random.nextBoolean() : random.nextInt(3) != 0);
                t += goOn ? 0 : random.nextLong(DAY);
                String item = "item-" + random.nextInt(25);
                Interaction.Kind kind = random.nextInt(3) == 0 ? kinds[random.nextInt(kinds.length)]
                        : Interaction.Kind.PURCHASE;
                Strategy strategy = kind == Interaction.Kind.IMPRESSION || kind == Interaction.Kind.CLICK
                        ? Strategy.values()[random.nextInt(Strategy.values().length)] : null;
                String user = goOn ? lastUser : users.get(random.nextInt(users.size()));
                lastUser = user;
                interactions.add(new Interaction(user, kind, item,
                        random.nextInt(5) == 0 ? null : "Text of " + item + " ✓", t, strategy));
            }
            List<RecommendationUpdate.Increment> plan = RecommendationUpdate.plan(interactions, params);
            List<RecommendationStore.Positioned> positioned = new ArrayList<>();
            for (RecommendationUpdate.Increment x : plan) {
                long offset = offsets.merge(x.userId(), 1L, Long::sum) + 9_007_199_254_740_990L; // beyond 2^53
                positioned.add(new RecommendationStore.Positioned(x, new EventPosition(3, offset)));
            }
            RecommendationStore.Applied applied = store.apply(positioned).await().atMost(Duration.ofSeconds(5));
            assertThat(applied.increments()).isEqualTo(plan.size());
            memory.apply(plan, segments::get);
            // Redelivered: nothing applies twice.
            RecommendationStore.Applied again = store.apply(positioned).await().atMost(Duration.ofSeconds(5));
            assertThat(again.increments()).isZero();
            assertThat(again.feedback()).isEmpty();
        }
        assertThat(store.feedback().await().atMost(Duration.ofSeconds(5))).isEqualTo(memory.feedback())
                .as("impressions, clicks and conversions happened").isNotEmpty();
        assertThat(memory.feedback().values().stream().mapToLong(c -> c.conversions()).sum()).isPositive();
        int boughtWith = 0;
        Recommender recommender = new Recommender(params);
        for (String u : users) {
            ShopperView all = memory.view(u, segments.get(u), 7, 7, null); // everything, every text
            for (Strategy strategy : java.util.Arrays.asList(null, Strategy.BLENDED, Strategy.SEGMENT,
                    Strategy.PERSONAL, Strategy.GLOBAL)) {
                RecommendationStore.StoredView read = store.view(u, 7, 3, strategy).await()
                        .atMost(Duration.ofSeconds(5));
                ShopperView stored = read.view();
                assertThat(read.modelVersion()).isEqualTo(segments.get(u) == null ? 0 : 3);
                ShopperView expected = memory.view(u, segments.get(u), 7, 3, strategy);
                assertThat(sorted(stored)).as(u + " " + strategy).usingRecursiveComparison()
                        .isEqualTo(sorted(expected));
                boughtWith += expected.boughtWith().size();
                // What a strategy's read leaves out (other lists, texts and items beyond the reach) changes
                // none of its lists.
                if (strategy != null) {
                    assertThat(recommender.recommend(strategy, stored, 3, t, 0, "x")).as(u + " " + strategy)
                            .isEqualTo(recommender.recommend(strategy, all, 3, t, 0, "x"));
                }
            }
        }
        assertThat(boughtWith).as("co-purchase lists were read and compared").isPositive();
        // Bounded: no "bought with" list beyond K, none for an item outside the catalogue.
        List<String> lists = segmentStore.keysMatching(k.recommendationBoughtWithPrefix() + "*").await()
                .atMost(Duration.ofSeconds(10));
        assertThat(lists).isNotEmpty();
        for (String key : lists) {
            assertThat(redis.sortedSet(String.class).zcard(key)).isBetween(1L, 3L);
            assertThat(redis.sortedSet(String.class).zscore(k.recommendationGlobal(),
                    key.substring(k.recommendationBoughtWithPrefix().length()))).as(key).isNotNull();
        }
        assertThat(redis.sortedSet(String.class).zcard(k.recommendationItemBaskets())).isBetween(1L, 12L);
        ShopperView stranger = store.view("nobody", 7, 3, Strategy.PERSONAL).await().atMost(Duration.ofSeconds(5))
                .view();
        assertThat(stranger.known()).isFalse();
        assertThat(stranger.global()).hasSize(3)
                .isEqualTo(memory.view("nobody", null, 7, 3, Strategy.PERSONAL).global());
    }

    /** The owned items in a fixed order (ZRANGE's and a map's differ; the recommender does not care). */
    private static ShopperView sorted(ShopperView v) {
        List<ShopperView.Owned> owned = new ArrayList<>(v.owned());
        owned.sort(java.util.Comparator.comparing(ShopperView.Owned::item));
        return new ShopperView(v.known(), v.segmentId(), owned, v.segment(), v.segmentBaskets(), v.global(),
                v.globalBaskets(), v.propensity(), v.overall(), v.texts(), v.boughtWith(), v.itemBaskets());
    }

    /** Applies the interactions with the service's default parameters, one partition, positions 1, 2, ... */
    private void applyWithDefaults(RedisKeys k, List<Interaction> interactions) {
        RecommendationParams params = new RecommendationParams(365 * DAY, 30 * DAY, 50, 200, 20000, 20, 0.25, 0.1,
                0.5, 0.3, 0.3);
        List<RecommendationStore.Positioned> positioned = new ArrayList<>();
        long offset = 0;
        for (RecommendationUpdate.Increment x : RecommendationUpdate.plan(interactions, params)) {
            positioned.add(new RecommendationStore.Positioned(x, new EventPosition(0, ++offset)));
        }
        new RecommendationStore(reactive.getRedis(), k, params).apply(positioned).await()
                .atMost(Duration.ofSeconds(5));
    }

    @Test
    void aShopperWithFiftyItemsTakesAFewKibibytes() {
        RedisKeys k = myKeys();
        List<Interaction> buys = new ArrayList<>();
        long t = DecayClock.EPOCH + 2000 * DAY;
        for (int i = 0; i < 60; i++) {
            buys.add(new Interaction("heavy", Interaction.Kind.PURCHASE, "8" + (5000 + i) + "A", "WHITE HANGING HEART"
                    + " T-LIGHT HOLDER " + i, t + i * 60_000L));
        }
        applyWithDefaults(k, buys);
        long items = redis.key().type(k.recommendationItems("heavy")) == null ? 0
                : memory(k.recommendationItems("heavy"));
        long counts = memory(k.recommendationCounts("heavy"));
        long recent = memory(k.recommendationRecent("heavy"));
        assertThat(redis.sortedSet(String.class).zcard(k.recommendationItems("heavy"))).isEqualTo(50);
        // The recent interactions are bounded too (newest first).
        assertThat(redis.list(String.class).llen(k.recommendationRecent("heavy")))
                .isEqualTo(RecommendationStore.DEFAULT_RECENT_INTERACTIONS);
        assertThat(redis.list(String.class).lindex(k.recommendationRecent("heavy"), 0)).startsWith(
                Long.toString(t + 59 * 60_000L) + "\tpurchase\t85059A\tWHITE HANGING HEART T-LIGHT HOLDER 59");
        System.out.printf("recommendation state of a shopper with 50 items: %d + %d + %d (recent) bytes%n", items,
                counts, recent);
        // Measured 2026-12 on Redis 7: ~1.6 KiB each (listpack encodings: M = 50 stays under their limit of 128).
        assertThat(items + counts).isBetween(1024L, 12 * 1024L);
        assertThat(recent).isBetween(256L, 4 * 1024L);
    }

    @Test
    void anItemsBoughtWithListIsBoundedAndTakesAboutAKibibyte() {
        RedisKeys k = myKeys();
        // Two baskets that start with the same item, then 30 others each: 60 items are bought with it, K = 20 kept.
        List<Interaction> buys = new ArrayList<>();
        long t = DecayClock.EPOCH + 2000 * DAY;
        for (int basket = 0; basket < 2; basket++) {
            buys.add(new Interaction("shop", Interaction.Kind.PURCHASE, "85123A", "WHITE HANGING HEART T-LIGHT HOLDER",
                    t + basket * DAY));
            for (int i = 0; i < 30; i++) {
                buys.add(new Interaction("shop", Interaction.Kind.PURCHASE, "2" + (2000 + 30 * basket + i),
                        "JUMBO BAG " + i, t + basket * DAY));
            }
        }
        applyWithDefaults(k, buys);
        String list = k.recommendationBoughtWithPrefix() + "85123A";
        assertThat(redis.sortedSet(String.class).zcard(list)).isEqualTo(RecommendationParams.DEFAULT_CO_BOUGHT_ITEMS);
        // The second basket's items are newer, so they are the ones kept.
        assertThat(redis.sortedSet(String.class).zrange(list, 0, -1)).allMatch(item -> item.compareTo("22030") >= 0);
        long bytes = memory(list);
        System.out.printf("\"bought with\" list of one item, K = 20: %d bytes%n", bytes);
        // Measured 2026-12 on Redis 7: 776 bytes (a listpack); bounded by K, one list per catalogue item (G).
        assertThat(bytes).isBetween(128L, 2048L);
    }

    private long memory(String key) {
        return Long.parseLong(redis.execute("MEMORY", "USAGE", key).toString());
    }
}

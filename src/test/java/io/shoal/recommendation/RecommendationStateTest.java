package io.shoal.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The update rule in memory: decay, counts, baskets and bounds. */
class RecommendationStateTest {

    static final long DAY = RecommenderTest.DAY;
    static final long T0 = DecayClock.EPOCH + 1000 * DAY;

    private static RecommendationParams params(int m, int n, int g) {
        return new RecommendationParams(10 * DAY, 10 * DAY, m, n, g, 0, 1, 0.1, 0.5, 0.3, 0.3);
    }

    private static Interaction buy(String user, String item, long t) {
        return new Interaction(user, Interaction.Kind.PURCHASE, item, "text of " + item, t);
    }

    private static void apply(RecommendationState s, List<Interaction> batch, Map<String, Long> segments) {
        s.apply(RecommendationUpdate.plan(batch, s.params()), segments::get);
    }

    @Test
    void weightsDecayByTimeAndCountPurchasesPerBasket() {
        RecommendationState s = new RecommendationState(params(50, 50, 50));
        // Two lines of one basket, then the same item again ten days (one half-life) later, and a view.
        apply(s, List.of(buy("u", "mug", T0), buy("u", "mug", T0), buy("u", "mug", T0 + 10 * DAY),
                new Interaction("u", Interaction.Kind.VIEW, "vase", null, T0 + 10 * DAY)), Map.of("u", 3L));
        ShopperView v = s.view("u", 3L, 10);
        DecayClock clock = s.params().historyClock();
        ShopperView.Owned mug = v.owned().stream().filter(o -> o.item().equals("mug")).findFirst().orElseThrow();
        // Read at the last purchase: 1 + 2 · ½ (three lines, two of them a half-life old).
        assertThat(clock.decayed(mug.weight(), T0 + 10 * DAY)).isCloseTo(2.0, within(1e-9));
        assertThat(mug.purchases()).as("two baskets, not three lines").isEqualTo(2);
        assertThat(mug.lastPurchaseMillis()).isEqualTo(T0 + 10 * DAY);
        ShopperView.Owned vase = v.owned().stream().filter(o -> o.item().equals("vase")).findFirst().orElseThrow();
        assertThat(vase.purchases()).isZero();
        assertThat(clock.decayed(vase.weight(), T0 + 10 * DAY)).isCloseTo(0.1, within(1e-12));
        // The mug has one buyer who rebought it; two baskets in the segment and overall.
        assertThat(v.propensity().get("mug")).isEqualTo(new ShopperView.Repurchase(1, 1));
        assertThat(v.overall()).isEqualTo(new ShopperView.Repurchase(1, 1));
        DecayClock pop = s.params().popularityClock();
        assertThat(pop.decayed(v.segmentBaskets(), T0 + 10 * DAY)).isCloseTo(1.5, within(1e-9));
        assertThat(pop.decayed(v.globalBaskets(), T0 + 10 * DAY)).isCloseTo(1.5, within(1e-9));
        assertThat(v.segment()).extracting(ShopperView.Popular::item).containsExactly("mug", "vase");
        assertThat(v.texts()).containsEntry("mug", "text of mug").doesNotContainKey("vase");
    }

    @Test
    void popularityGoesToTheSegmentTheShopperIsInAfterTheBatch() {
        RecommendationState s = new RecommendationState(params(50, 50, 50));
        apply(s, List.of(buy("a", "tin", T0), buy("b", "jar", T0)), Map.of("a", 1L));
        assertThat(s.view("a", 1L, 10).segment()).extracting(ShopperView.Popular::item).containsExactly("tin");
        assertThat(s.view("b", 2L, 10).segment()).isEmpty();
        // Equal scores: highest first in reverse Redis order (ZREVRANGE), the higher member first.
        assertThat(s.view("b", null, 10).global()).extracting(ShopperView.Popular::item).containsExactly("tin", "jar");
    }

    @Test
    void boundsKeepTheHighestAndDropTheCatalogueEntriesOfItemsThatLeave() {
        RecommendationState s = new RecommendationState(params(2, 2, 3));
        // Later purchases weigh more; "a" is the oldest everywhere.
        apply(s, List.of(buy("u", "a", T0), buy("u", "b", T0 + DAY), buy("u", "c", T0 + 2 * DAY),
                buy("v", "d", T0 + 3 * DAY)), Map.of("u", 1L, "v", 1L));
        ShopperView u = s.view("u", 1L, 10);
        assertThat(u.owned()).extracting(ShopperView.Owned::item).containsExactlyInAnyOrder("b", "c");
        assertThat(u.segment()).extracting(ShopperView.Popular::item).containsExactly("d", "c");
        assertThat(u.global()).extracting(ShopperView.Popular::item).containsExactly("d", "c", "b");
        assertThat(u.propensity()).containsOnlyKeys("b", "c");
        assertThat(u.texts()).containsOnlyKeys("b", "c", "d");
        // Buying "a" again counts u as a new buyer: its count went with the trim (documented approximation).
        apply(s, List.of(buy("u", "a", T0 + 4 * DAY)), Map.of("u", 1L));
        assertThat(s.view("u", 1L, 10).propensity().get("a")).isEqualTo(new ShopperView.Repurchase(1, 0));
    }

    @Test
    void equalScoresLeaveInRedisOrderLowestMemberFirst() {
        RecommendationState s = new RecommendationState(params(50, 50, 2));
        apply(s, List.of(buy("u", "b", T0), buy("u", "a", T0), buy("u", "c", T0)), Map.of());
        assertThat(s.view("u", null, 10).global()).extracting(ShopperView.Popular::item).containsExactly("c", "b");
    }

    @Test
    void anUnknownShopperIsNotKnown() {
        RecommendationState s = new RecommendationState(params(50, 50, 50));
        apply(s, List.of(buy("u", "mug", T0)), Map.of());
        assertThat(s.view("stranger", null, 10).known()).isFalse();
        assertThat(s.view("u", null, 10).known()).isTrue();
    }

    /** L = 2 remembered items per basket, K = 2 kept per item, S = 5 sources. */
    private static RecommendationParams coParams(int globalItems) {
        return new RecommendationParams(10 * DAY, 10 * DAY, 50, 50, globalItems, 0, 1, 0.1, 0.5, 0.3, 0.3, 7 * DAY,
                200, 2, 2, 5, 1);
    }

    @Test
    void itemsOfOneBasketAreBoughtWithTheFirstLOfIt() {
        RecommendationState s = new RecommendationState(coParams(50));
        // u's basket at T0: mug, tin, mug again (a second line), jar; L = 2 remembers mug and tin, so jar pairs with
        // both and the second mug line adds nothing. v's basket: mug, jar. Later, u's new basket: vase, mug.
        apply(s, List.of(buy("u", "mug", T0), buy("u", "tin", T0), buy("u", "mug", T0), buy("u", "jar", T0),
                buy("v", "mug", T0), buy("v", "jar", T0), buy("u", "vase", T0 + 10 * DAY),
                buy("u", "mug", T0 + 10 * DAY)), Map.of());
        DecayClock pop = s.params().popularityClock();
        long now = T0 + 10 * DAY;
        // A view is not a purchase (no basket), so readers who only viewed one item see its lists as they are.
        long later = now + DAY;
        apply(s, List.of(new Interaction("reads-mug", Interaction.Kind.VIEW, "mug", null, later),
                new Interaction("reads-tin", Interaction.Kind.VIEW, "tin", null, later),
                new Interaction("reads-jar", Interaction.Kind.VIEW, "jar", null, later)), Map.of());
        ShopperView mug = s.view("reads-mug", null, 10);
        // b(mug): three baskets, two of them a half-life old: ½ + ½ + 1.
        assertThat(pop.decayed(mug.itemBaskets().get("mug"), now)).isCloseTo(2.0, within(1e-9));
        assertThat(pop.decayed(s.view("reads-jar", null, 10).itemBaskets().get("jar"), now))
                .isCloseTo(1.0, within(1e-9));
        // C(mug, ·): jar in two old baskets (1), tin in one (½), vase in the new one (1): K = 2 keeps jar and vase.
        assertThat(mug.boughtWith().get("mug")).extracting(ShopperView.Popular::item)
                .containsExactlyInAnyOrder("vase", "jar");
        assertThat(mug.boughtWith().get("mug")).allSatisfy(p -> assertThat(pop.decayed(p.weight(), now))
                .isCloseTo(1.0, within(1e-9)));
        assertThat(s.view("reads-tin", null, 10).boughtWith().get("tin")).extracting(ShopperView.Popular::item)
                .containsExactly("mug", "jar");
        assertThat(s.view("reads-jar", null, 10).boughtWith().get("jar")).extracting(ShopperView.Popular::item)
                .containsExactly("mug", "tin");
        // A shopper's view holds only what is new to them, at most as many as the list asked for: u owns every
        // item bought with the mug, so nothing; the mug's reader asking for one item gets the first only.
        assertThat(s.view("u", null, 10).boughtWith()).isEmpty();
        assertThat(s.view("reads-mug", null, 10, 1, Strategy.BLENDED).boughtWith().get("mug")).hasSize(1);
        // L = 0: no co-purchase state at all.
        RecommendationState off = new RecommendationState(new RecommendationParams(10 * DAY, 10 * DAY, 50, 50, 50,
                0, 1, 0.1, 0.5, 0.3, 0.3, 7 * DAY, 200, 0, 2, 5, 1));
        apply(off, List.of(buy("u", "mug", T0), buy("u", "tin", T0)), Map.of());
        assertThat(off.view("u", null, 10).boughtWith()).isEmpty();
        assertThat(off.view("u", null, 10).itemBaskets()).isEmpty();
    }

    @Test
    void anItemThatLeavesTheCatalogueLosesItsCoPurchaseState() {
        RecommendationState s = new RecommendationState(coParams(2));
        // G = 2: "a" (bought once) leaves the catalogue when b and c are bought twice.
        apply(s, List.of(buy("u", "a", T0), buy("u", "b", T0), buy("v", "b", T0 + DAY), buy("v", "c", T0 + DAY),
                buy("w", "c", T0 + DAY)), Map.of());
        assertThat(s.view("u", null, 10).global()).extracting(ShopperView.Popular::item).containsExactly("c", "b");
        apply(s, List.of(new Interaction("reader", Interaction.Kind.VIEW, "b", null, T0)), Map.of());
        ShopperView reader = s.view("reader", null, 10);
        assertThat(reader.itemBaskets()).containsOnlyKeys("b");
        assertThat(reader.boughtWith()).containsOnlyKeys("b");
        // "a" left the catalogue but stays in b's list (bounded by K) until pushed out.
        assertThat(reader.boughtWith().get("b")).extracting(ShopperView.Popular::item).containsExactly("c", "a");
    }
}

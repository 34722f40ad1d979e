package io.shoal.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Each strategy on hand-built histories, with exact expected rankings and true reasons. */
class RecommenderTest {

    static final long DAY = 24 * 3600 * 1000L;
    static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

    /** Half-lives of 100 days, M = 50, α = 0, λ = 1. */
    static RecommendationParams params(double prior, double discovery) {
        return new RecommendationParams(100 * DAY, 100 * DAY, 50, 200, 1000, prior, discovery, 0.1, 0.5, 0.3, 0.3);
    }

    private final DecayClock history = new DecayClock(100 * DAY);

    /** An own item bought {@code times} times, the last one {@code daysAgo} days ago, all at that time. */
    private ShopperView.Owned owned(String item, int times, int daysAgo) {
        long t = NOW - daysAgo * DAY;
        return new ShopperView.Owned(item, times * history.growing(t), times, t);
    }

    private ShopperView view(List<ShopperView.Owned> owned, Map<String, ShopperView.Repurchase> propensity) {
        DecayClock pop = new DecayClock(100 * DAY);
        double g = pop.growing(NOW);
        // Segment 7: s1 in 40% of baskets, s2 in 20%, mug in 30% (mug is also owned); 10 baskets.
        List<ShopperView.Popular> segment = List.of(new ShopperView.Popular("s1", 4 * g),
                new ShopperView.Popular("mug", 3 * g), new ShopperView.Popular("s2", 2 * g));
        List<ShopperView.Popular> global = List.of(new ShopperView.Popular("g1", 50 * g),
                new ShopperView.Popular("s1", 20 * g), new ShopperView.Popular("g2", 10 * g));
        return new ShopperView(true, 7L, owned, segment, 10 * g, global, 100 * g, propensity,
                new ShopperView.Repurchase(100, 20), Map.of("mug", "Red mug", "s1", "Tea towel"));
    }

    @Test
    void personalRanksByPurchasesThenRecency() {
        ShopperView v = view(List.of(owned("mug", 2, 30), owned("tin", 5, 200), owned("jar", 2, 3),
                new ShopperView.Owned("vase", history.growing(NOW), 0, 0)), Map.of());
        List<Recommendation> r = new Recommender(params(0, 1)).recommend(Strategy.PERSONAL, v, 10, NOW, 0, null);
        assertThat(r).extracting(Recommendation::item).containsExactly("tin", "jar", "mug", "vase");
        assertThat(r.get(0).reason().text()).isEqualTo("you bought it 5 times, last on 2025-11-13");
        assertThat(r.get(2).text()).isEqualTo("Red mug");
        assertThat(r.get(3).reason().kind()).isEqualTo(Recommendation.Kind.INTERESTED_BEFORE);
        assertThat(r.get(3).reason().text()).isEqualTo("you looked at it before");
    }

    @Test
    void blendedWeighsOwnItemsByRepurchaseChanceAgainstTheSegmentsNewItems() {
        // tin: rebought by half its buyers, bought twice 100 days ago (W = 1 at now): chance 1 - 0.5^1 = 0.5.
        // mug: p = 0.1, bought once today: 0.1. jar: p = 0.3, 3 times 200 days ago (W = 0.75): 1 - 0.7^0.75.
        // New in the segment: s1 0.4, s2 0.2 (mug is owned, so it is scored as own).
        ShopperView v = view(List.of(owned("tin", 2, 100), owned("mug", 1, 0), owned("jar", 3, 200)),
                Map.of("tin", new ShopperView.Repurchase(10, 5), "mug", new ShopperView.Repurchase(10, 1),
                        "jar", new ShopperView.Repurchase(10, 3)));
        List<Recommendation> r = new Recommender(params(0, 1)).recommend(Strategy.BLENDED, v, 10, NOW, 0, "tea");
        assertThat(r).extracting(Recommendation::item).containsExactly("tin", "s1", "jar", "s2", "mug");
        assertThat(r.get(0).score()).isCloseTo(0.5, within(1e-12));
        assertThat(r.get(1).score()).isCloseTo(0.4, within(1e-12));
        assertThat(r.get(2).score()).isCloseTo(1 - Math.pow(0.7, 0.75), within(1e-12));
        assertThat(r.get(4).score()).isCloseTo(0.1, within(1e-12));
        assertThat(r.get(1).reason().text()).isEqualTo("popular in your segment 'tea' lately (in 40.0% of baskets)");
        assertThat(r.get(1).text()).isEqualTo("Tea towel");
        // λ = 0: only own items count; the segment's follow in popularity order.
        assertThat(new Recommender(params(0, 0)).recommend(Strategy.BLENDED, v, 10, NOW, 0, null))
                .extracting(Recommendation::item).containsExactly("tin", "jar", "mug", "s1", "s2");
    }

    @Test
    void blendedAddsItemsOftenBoughtWithOwnItemsByTheirShareOfTheOwnItemsBaskets() {
        // As above, plus: tin is in 4 baskets, lid in 3 of them (share 0.75), s2 in 1 (0.25). lid: 0.5 · 0.75 =
        // 0.375; s2 keeps its segment estimate 0.2 > 0.5 · 0.25 and its reason; an owned item (jar) is not "new".
        double g = new DecayClock(100 * DAY).growing(NOW);
        ShopperView base = view(List.of(owned("tin", 2, 100), owned("mug", 1, 0), owned("jar", 3, 200)),
                Map.of("tin", new ShopperView.Repurchase(10, 5), "mug", new ShopperView.Repurchase(10, 1),
                        "jar", new ShopperView.Repurchase(10, 3)));
        ShopperView v = new ShopperView(true, 7L, base.owned(), base.segment(), base.segmentBaskets(), base.global(),
                base.globalBaskets(), base.propensity(), base.overall(),
                Map.of("mug", "Red mug", "s1", "Tea towel", "tin", "Cake tin", "lid", "Tin lid"),
                Map.of("tin", List.of(new ShopperView.Popular("lid", 3 * g), new ShopperView.Popular("jar", 2 * g),
                        new ShopperView.Popular("s2", g))),
                Map.of("tin", 4 * g));
        List<Recommendation> r = new Recommender(coBought(1)).recommend(Strategy.BLENDED, v, 10, NOW, 0, "tea");
        assertThat(r).extracting(Recommendation::item).containsExactly("tin", "s1", "lid", "jar", "s2", "mug");
        assertThat(r.get(2).score()).isCloseTo(0.375, within(1e-12));
        assertThat(r.get(2).reason().kind()).isEqualTo(Recommendation.Kind.BOUGHT_WITH);
        assertThat(r.get(2).reason().withItem()).isEqualTo("tin");
        assertThat(r.get(2).reason().text()).isEqualTo("often bought with 'Cake tin' (in 75.0% of its baskets)");
        assertThat(r.get(2).text()).isEqualTo("Tin lid");
        assertThat(r.get(4).reason().kind()).isEqualTo(Recommendation.Kind.POPULAR_IN_SEGMENT);
        // μ = 2 doubles the estimates: s2's 2 · 0.125 = 0.25 now beats its segment 0.2, and takes that reason.
        List<Recommendation> d = new Recommender(coBought(2)).recommend(Strategy.BLENDED, v, 10, NOW, 0, "tea");
        assertThat(d).extracting(Recommendation::item).containsExactly("lid", "tin", "s1", "s2", "jar", "mug");
        assertThat(d.get(3).score()).isCloseTo(0.25, within(1e-12));
        assertThat(d.get(3).reason().text()).isEqualTo("often bought with 'Cake tin' (in 25.0% of its baskets)");
        // μ = 0: never.
        assertThat(new Recommender(coBought(0)).recommend(Strategy.BLENDED, v, 10, NOW, 0, "tea"))
                .extracting(Recommendation::item).containsExactly("tin", "s1", "jar", "s2", "mug");
        // Only blended uses it: personal and segment lists are unchanged.
        assertThat(new Recommender(coBought(1)).recommend(Strategy.SEGMENT, v, 10, NOW, 0, "tea"))
                .extracting(Recommendation::item).containsExactly("s1", "mug", "s2");
    }

    /** As {@code params(0, 1)} with the co-purchase weight μ. */
    private static RecommendationParams coBought(double mu) {
        return new RecommendationParams(100 * DAY, 100 * DAY, 50, 200, 1000, 0, 1, 0.1, 0.5, 0.3, 0.3, 7 * DAY, 200,
                5, 20, 5, mu);
    }

    @Test
    void thePriorPullsRarelyBoughtItemsTowardTheMeanRate() {
        // One buyer who rebought (raw rate 1): with α = 5 and p̄ = 0.2, p = (1 + 1) / (1 + 5) = 1/3.
        ShopperView v = view(List.of(owned("tin", 1, 0)), Map.of("tin", new ShopperView.Repurchase(1, 1)));
        Recommendation tin = new Recommender(params(5, 0)).recommend(Strategy.BLENDED, v, 1, NOW, 0, null).get(0);
        assertThat(tin.item()).isEqualTo("tin");
        assertThat(tin.score()).isCloseTo(1.0 / 3, within(1e-12));
        // An item without counts (left the catalogue) gets the mean rate: α·p̄ / α.
        ShopperView unknown = view(List.of(owned("tin", 1, 0)), Map.of());
        assertThat(new Recommender(params(5, 0)).recommend(Strategy.BLENDED, unknown, 1, NOW, 0, null).get(0).score())
                .isCloseTo(0.2, within(1e-12));
    }

    @Test
    void segmentAndGlobalListPopularityWithTheirReasons() {
        ShopperView v = view(List.of(owned("mug", 1, 0)), Map.of());
        Recommender rec = new Recommender(params(0, 1));
        List<Recommendation> seg = rec.recommend(Strategy.SEGMENT, v, 10, NOW, 0, null);
        assertThat(seg).extracting(Recommendation::item).containsExactly("s1", "mug", "s2");
        assertThat(seg.get(0).reason().text()).isEqualTo("popular in your segment 7 lately (in 40.0% of baskets)");
        List<Recommendation> global = rec.recommend(Strategy.GLOBAL, v, 2, NOW, 0, null);
        assertThat(global).extracting(Recommendation::item).containsExactly("g1", "s1");
        assertThat(global.get(0).reason().text()).isEqualTo("popular with all shoppers lately (in 50.0% of baskets)");
    }

    @Test
    void aShopperWithoutSegmentGetsGlobalPopularityInBlendedAndSegment() {
        ShopperView v = new ShopperView(true, null, List.of(owned("mug", 1, 0)), List.of(), 0,
                List.of(new ShopperView.Popular("g1", 5), new ShopperView.Popular("mug", 4)), 10, Map.of(),
                new ShopperView.Repurchase(0, 0), Map.of());
        Recommender rec = new Recommender(params(0, 1));
        assertThat(rec.recommend(Strategy.SEGMENT, v, 10, NOW, 0, null)).extracting(r -> r.reason().kind())
                .containsOnly(Recommendation.Kind.POPULAR_OVERALL);
        // Nobody rebought anything yet (p̄ = 0): the own mug's chance is 0, g1's 0.5.
        assertThat(rec.recommend(Strategy.BLENDED, v, 10, NOW, 0, null)).extracting(Recommendation::item)
                .containsExactly("g1", "mug");
    }

    @Test
    void coldStartIsAnAnswerNotAnError() {
        ShopperView unknown = new ShopperView(false, null, List.of(), List.of(), 0,
                List.of(new ShopperView.Popular("g1", 5), new ShopperView.Popular("g2", 4)), 10, Map.of(),
                ShopperView.Repurchase.NONE, Map.of());
        for (Strategy s : Strategy.values()) {
            List<Recommendation> r = new Recommender(params(0, 1)).recommend(s, unknown, 10, NOW, 0, null);
            assertThat(r).extracting(Recommendation::item).containsExactly("g1", "g2");
            assertThat(r.get(0).reason().text()).isEqualTo("new here: popular with all shoppers lately"
                    + " (in 50.0% of baskets)");
        }
    }

    @Test
    void justBoughtItemsAreLeftOutOfEveryStrategy() {
        ShopperView v = view(List.of(owned("mug", 1, 0), owned("tin", 3, 30)), Map.of());
        for (Strategy s : Strategy.values()) {
            assertThat(new Recommender(params(0, 1)).recommend(s, v, 10, NOW, NOW - DAY, null))
                    .extracting(Recommendation::item).doesNotContain("mug");
        }
        assertThat(new Recommender(params(0, 1)).recommend(Strategy.PERSONAL, v, 10, NOW, NOW - DAY, null))
                .extracting(Recommendation::item).containsExactly("tin");
    }

    @Test
    void limitCutsTheListAndMustBePositive() {
        ShopperView v = view(List.of(owned("mug", 1, 0)), Map.of());
        assertThat(new Recommender(params(0, 1)).recommend(Strategy.GLOBAL, v, 1, NOW, 0, null)).hasSize(1);
        assertThatThrownBy(() -> new Recommender(params(0, 1)).recommend(Strategy.GLOBAL, v, 0, NOW, 0, null))
                .hasMessage("limit must be > 0 but was 0");
    }
}

package io.shoal.evaluation;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.shoal.event.EventType;
import io.shoal.recommendation.Recommendation;
import io.shoal.recommendation.RecommendationParams;
import io.shoal.recommendation.ShopperView;
import io.shoal.recommendation.Strategy;

/**
 * The next-basket protocol: replayed alongside the engine, for every basket (a customer's purchases at one
 * timestamp, i.e. one invoice) of a customer who already has a segment, each {@link Strategy} of the service's
 * recommender proposes {@value #TOP} items from the state before the basket's micro-batch; a hit is a basket that
 * contains at least one of them. Hit rate @10 = hits / baskets. Items the predicate rejects (postage, fees) are
 * neither learned, recommended nor counted as hits.
 */
public final class RecommendationCheck implements InMemoryDriver.BatchObserver {

    /** Recommendation list length. */
    public static final int TOP = 10;

    /**
     * @param baskets evaluated baskets (customer already segmented)
     * @param hits    per strategy, baskets with at least one recommended item
     */
    public record Result(long baskets, Map<Strategy, Long> hits) {

        /** hits / baskets in [0, 1]; 0 without baskets. */
        public double hitRate(Strategy s) {
            return baskets == 0 ? 0 : (double) hits.getOrDefault(s, 0L) / baskets;
        }
    }

    private final Predicate<String> recommendable;
    private final RecommendationReplay replay;
    private final Set<String> seenBaskets = new HashSet<>();
    private final Map<Strategy, Long> hits = new EnumMap<>(Strategy.class);
    private long baskets;

    /** @param recommendable which item ids are products that may be recommended and hit */
    public RecommendationCheck(RecommendationParams params, Predicate<String> recommendable) {
        this.recommendable = recommendable;
        this.replay = new RecommendationReplay(params, recommendable);
        for (Strategy s : Strategy.values()) {
            hits.put(s, 0L);
        }
    }

    @Override
    public void beforeBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
        Map<String, Set<String>> basketsOfBatch = new LinkedHashMap<>();
        Map<String, EvaluationEvent> first = new LinkedHashMap<>();
        for (EvaluationEvent e : events) {
            if (e.type() != EventType.PURCHASE || !recommendable.test(e.itemId())) {
                continue;
            }
            String key = e.userId() + '@' + e.eventMillis();
            if (seenBaskets.contains(key)) {
                continue;
            }
            basketsOfBatch.computeIfAbsent(key, x -> new HashSet<>()).add(RecommendationReplay.key(e));
            first.putIfAbsent(key, e);
        }
        for (Map.Entry<String, Set<String>> basket : basketsOfBatch.entrySet()) {
            seenBaskets.add(basket.getKey());
            EvaluationEvent e = first.get(basket.getKey());
            Long segment = engine.segmentOf(e.userId());
            if (segment == null) {
                continue;
            }
            baskets++;
            ShopperView view = replay.state().view(e.userId(), segment, replay.recommender().candidates(TOP),
                    TOP, null);
            for (Strategy s : Strategy.values()) {
                List<Recommendation> list = replay.recommender().recommend(s, view, TOP, e.eventMillis(), 0, null);
                if (list.stream().anyMatch(r -> basket.getValue().contains(r.item()))) {
                    hits.merge(s, 1L, Long::sum);
                }
            }
        }
    }

    @Override
    public void afterBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
        replay.afterBatch(from, events, engine);
    }

    public Result result() {
        return new Result(baskets, Map.copyOf(hits));
    }
}

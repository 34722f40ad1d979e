package io.shoal.evaluation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.shoal.event.EventType;
import io.shoal.recommendation.Recommendation;
import io.shoal.recommendation.RecommendationParams;
import io.shoal.recommendation.ShopperView;
import io.shoal.recommendation.Strategy;

/**
 * The hold-out protocol of the recommendations: the engine and the recommendation state learn from every purchase
 * before a cutoff; then, for each customer with purchases on both sides, each {@link Strategy} proposes
 * {@value RecommendationCheck#TOP} items at the cutoff and is scored on the customer's first basket after it (their
 * purchases at the earliest later timestamp).
 * <ul>
 * <li>HR@10: share of customers whose target basket holds at least one of the items;</li>
 * <li>NDCG@10: Σ over hits 1 / log2(rank + 1), divided by the best possible for the basket's size;</li>
 * <li>coverage: distinct items recommended to anyone / distinct items bought before the cutoff.</li>
 * </ul>
 * Discovery: {@code blended} once more, leaving out every item the customer bought before (the API's exclusion
 * with a window that reaches back to the start), scored the same way: what it adds beyond repeats.
 */
public final class RecommendationHoldout {

    /** One strategy's scores. */
    public record Score(double hitRate, double ndcg, double coverage) {
    }

    /**
     * @param customers customers scored (purchases before and after the cutoff)
     * @param catalogue distinct items bought before the cutoff
     * @param scores    per strategy
     * @param discovery {@code blended} without the customer's own purchases
     * @param discoveryBoughtWith share of the discovery lists' items recommended as "often bought with"
     */
    public record Result(long cutoffMillis, int trainEvents, int customers, int catalogue,
            Map<Strategy, Score> scores, Score discovery, double discoveryBoughtWith) {
    }

    private RecommendationHoldout() {
    }

    /**
     * @param stream        the dataset's events in time order
     * @param recommendable which item ids are products
     */
    public static Result run(List<EvaluationEvent> stream, Map<String, float[]> vectors, EngineSettings engine,
            RecommendationParams params, Predicate<String> recommendable, long cutoffMillis) {
        Protocol protocol = Protocol.of(stream, recommendable, cutoffMillis);
        List<EvaluationEvent> train = protocol.train();
        RecommendationReplay replay = new RecommendationReplay(params, recommendable);
        InMemoryDriver driver = new InMemoryDriver(engine, vectors).run(train, List.of(replay));
        int top = RecommendationCheck.TOP;
        Map<Strategy, Tally> tallies = new EnumMap<>(Strategy.class);
        for (Strategy s : Strategy.values()) {
            tallies.put(s, new Tally());
        }
        Tally discovery = new Tally();
        long[] discoveryItems = new long[2]; // items, of which "often bought with"
        int customers = protocol.targets().size();
        for (Map.Entry<String, Set<String>> t : protocol.targets().entrySet()) {
            Long segment = driver.segmentOf(t.getKey());
            // Everything at once (the service reads per strategy only what its rule uses: the same lists).
            ShopperView view = replay.state().view(t.getKey(), segment, replay.recommender().candidates(top),
                    top, null);
            for (Strategy s : Strategy.values()) {
                tallies.get(s).add(items(replay.recommender().recommend(s, view, top, cutoffMillis, 0, null)),
                        t.getValue());
            }
            List<Recommendation> fresh = replay.recommender().recommend(Strategy.BLENDED, view, top, cutoffMillis,
                    1, null);
            discovery.add(items(fresh), t.getValue());
            discoveryItems[0] += fresh.size();
            discoveryItems[1] += fresh.stream().filter(x -> x.reason().kind() == Recommendation.Kind.BOUGHT_WITH)
                    .count();
        }
        Map<Strategy, Score> scores = new EnumMap<>(Strategy.class);
        for (Strategy s : Strategy.values()) {
            scores.put(s, tallies.get(s).score(customers, protocol.catalogue().size()));
        }
        return new Result(cutoffMillis, train.size(), customers, protocol.catalogue().size(), scores,
                discovery.score(customers, protocol.catalogue().size()),
                discoveryItems[0] == 0 ? 0 : (double) discoveryItems[1] / discoveryItems[0]);
    }

    /** One strategy's HR@10 over another's. */
    static double lift(Map<Strategy, Score> scores, Strategy s, Strategy over) {
        return scores.get(s).hitRate() / Math.max(scores.get(over).hitRate(), 1e-16);
    }

    private static List<String> items(List<Recommendation> list) {
        return list.stream().map(Recommendation::item).toList();
    }

    /**
     * The protocol's split of a stream in time order: what is learned and what each customer is scored on. One
     * implementation for the in-memory evaluation and for the check against the running service
     * ({@link ServiceHoldoutCheck}).
     *
     * @param train     every event before the cutoff
     * @param targets   per customer with product purchases before and after the cutoff: the item keys of their
     *                  first basket after it (their product purchases at the earliest later timestamp)
     * @param catalogue the distinct products bought before the cutoff
     */
    public record Protocol(List<EvaluationEvent> train, Map<String, Set<String>> targets, Set<String> catalogue) {

        public static Protocol of(List<EvaluationEvent> stream, Predicate<String> recommendable, long cutoffMillis) {
            List<EvaluationEvent> train = new ArrayList<>();
            Map<String, Long> targetTime = new HashMap<>();
            Map<String, Set<String>> target = new HashMap<>();
            Set<String> catalogue = new HashSet<>();
            Set<String> buyers = new HashSet<>();
            for (EvaluationEvent e : stream) {
                boolean product = e.type() == EventType.PURCHASE && recommendable.test(e.itemId());
                if (e.eventMillis() < cutoffMillis) {
                    train.add(e);
                    if (product) {
                        catalogue.add(RecommendationReplay.key(e));
                        buyers.add(e.userId());
                    }
                    continue;
                }
                if (!product) {
                    continue;
                }
                Long t = targetTime.get(e.userId());
                if (t == null || e.eventMillis() < t) {
                    targetTime.put(e.userId(), e.eventMillis());
                    target.put(e.userId(), new HashSet<>());
                    t = e.eventMillis();
                }
                if (t == e.eventMillis()) {
                    target.get(e.userId()).add(RecommendationReplay.key(e));
                }
            }
            target.keySet().retainAll(buyers);
            return new Protocol(train, new TreeMap<>(target), catalogue);
        }
    }

    /** One list kind's hits, gains and distinct items over the customers. */
    public static final class Tally {
        private long hits;
        private double gains;
        private final Set<String> shown = new HashSet<>();

        /** One customer's list (item keys, best first) against their target basket. */
        public void add(List<String> list, Set<String> basket) {
            double ideal = 0;
            for (int r = 1; r <= Math.min(RecommendationCheck.TOP, basket.size()); r++) {
                ideal += 1 / log2(r + 1);
            }
            double dcg = 0;
            for (int r = 0; r < list.size(); r++) {
                shown.add(list.get(r));
                if (basket.contains(list.get(r))) {
                    dcg += 1 / log2(r + 2);
                }
            }
            if (dcg > 0) {
                hits++;
            }
            gains += ideal > 0 ? dcg / ideal : 0;
        }

        public Score score(int customers, int catalogue) {
            return new Score(customers == 0 ? 0 : (double) hits / customers, customers == 0 ? 0 : gains / customers,
                    catalogue == 0 ? 0 : (double) shown.size() / catalogue);
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

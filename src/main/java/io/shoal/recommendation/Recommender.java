package io.shoal.recommendation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recommendation rules: a ranked list for one shopper from a {@link ShopperView}. Pure; the service, the
 * evaluation and the benchmarks run this code.
 *
 * <h2>Strategies</h2>
 * Glossary: W(u, i) the shopper's decayed weight of item i at "now" (history clock), c(u, i) their purchases of it,
 * B(i) / R(i) its buyers / repeat buyers, P(s, i) its decayed popularity in segment s, β(s) the segment's decayed
 * baskets.
 * <ul>
 * <li><b>global</b>: the items of highest P(i). An unknown shopper gets this list with the cold-start reason.</li>
 * <li><b>segment</b>: the items of highest P(s, i) for the shopper's segment s; global without a segment.</li>
 * <li><b>personal</b>: the shopper's own items by c(u, i), then the last purchase, then W(u, i). Only own items:
 * the list may be shorter than asked.</li>
 * <li><b>blended</b> (the default): every candidate gets an estimate of the chance that it is in the shopper's
 * next basket, and the highest chances win:
 * <ul>
 * <li>an own item: 1 − (1 − p(i))^W(u, i), with the repurchase propensity p(i) = (R(i) + α·p̄) / (B(i) + α) and
 * p̄ = R / B, i.e. the chance that at least one of W "tries" at rate p(i) repeats it: bought often and recently,
 * of a kind that people rebuy;</li>
 * <li>a not-yet-bought item of the segment (global without one): λ · min(1, P(s, i) / β(s)), its decayed
 * purchases per basket in the segment, scaled by the discovery weight λ.</li>
 * </ul>
 * Ties (e.g. before any purchase, when every chance is 0) go to own items by weight, then to popular items in
 * popularity order.</li>
 * </ul>
 * Items bought at or after {@code excludeBoughtSinceMillis} are left out of every strategy (0: none).
 */
public final class Recommender {

    private final RecommendationParams params;

    public Recommender(RecommendationParams params) {
        this.params = params;
    }

    /** Candidates to read from the segment's and the global top so that {@code limit} new items remain. */
    public int candidates(int limit) {
        return limit + Math.min(params.shopperItems(), 4 * limit);
    }

    /**
     * @param strategy                 the rule
     * @param view                     the shopper's state
     * @param limit                    how many items at most; &gt; 0
     * @param nowMillis                the time the decayed weights are read at
     * @param excludeBoughtSinceMillis leave out items the shopper bought since then (0: keep all)
     * @param segmentLabel             the segment's label for the reasons, or null
     */
    public List<Recommendation> recommend(Strategy strategy, ShopperView view, int limit, long nowMillis,
            long excludeBoughtSinceMillis, String segmentLabel) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0 but was " + limit);
        }
        Set<String> excluded = new HashSet<>();
        if (excludeBoughtSinceMillis > 0) {
            for (ShopperView.Owned o : view.owned()) {
                if (o.purchases() > 0 && o.lastPurchaseMillis() >= excludeBoughtSinceMillis) {
                    excluded.add(o.item());
                }
            }
        }
        if (!view.known()) {
            return popular(view.global(), view.globalBaskets(), limit, excluded, view,
                    Recommendation.Kind.COLD_START, null, null);
        }
        boolean hasSegment = view.segmentId() != null && !view.segment().isEmpty();
        return switch (strategy) {
            case GLOBAL -> popular(view.global(), view.globalBaskets(), limit, excluded, view,
                    Recommendation.Kind.POPULAR_OVERALL, null, null);
            case SEGMENT -> hasSegment
                    ? popular(view.segment(), view.segmentBaskets(), limit, excluded, view,
                            Recommendation.Kind.POPULAR_IN_SEGMENT, view.segmentId(), segmentLabel)
                    : popular(view.global(), view.globalBaskets(), limit, excluded, view,
                            Recommendation.Kind.POPULAR_OVERALL, null, null);
            case PERSONAL -> personal(view, limit, excluded);
            case BLENDED -> blended(view, limit, nowMillis, excluded, hasSegment, segmentLabel);
        };
    }

    private List<Recommendation> personal(ShopperView view, int limit, Set<String> excluded) {
        List<ShopperView.Owned> own = new ArrayList<>();
        for (ShopperView.Owned o : view.owned()) {
            if (!excluded.contains(o.item())) {
                own.add(o);
            }
        }
        own.sort(Comparator.comparingLong(ShopperView.Owned::purchases).reversed()
                .thenComparing(Comparator.comparingLong(ShopperView.Owned::lastPurchaseMillis).reversed())
                .thenComparing(Comparator.comparingDouble(ShopperView.Owned::weight).reversed())
                .thenComparing(ShopperView.Owned::item));
        List<Recommendation> out = new ArrayList<>();
        for (ShopperView.Owned o : own.subList(0, Math.min(limit, own.size()))) {
            out.add(new Recommendation(o.item(), view.texts().get(o.item()), o.purchases(),
                    ownReason(o)));
        }
        return out;
    }

    private List<Recommendation> blended(ShopperView view, int limit, long nowMillis, Set<String> excluded,
            boolean hasSegment, String segmentLabel) {
        DecayClock history = params.historyClock();
        ShopperView.Repurchase all = view.overall();
        double mean = all.buyers() == 0 ? 0 : (double) all.repeaters() / all.buyers();
        record Scored(Recommendation r, double tie) {
        }
        List<Scored> scored = new ArrayList<>();
        Map<String, ShopperView.Owned> owned = new HashMap<>();
        for (ShopperView.Owned o : view.owned()) {
            owned.put(o.item(), o);
            if (excluded.contains(o.item())) {
                continue;
            }
            ShopperView.Repurchase r = view.propensity().getOrDefault(o.item(), ShopperView.Repurchase.NONE);
            double p = (r.repeaters() + params.propensityPrior() * mean)
                    / Math.max(r.buyers() + params.propensityPrior(), 1e-16);
            double w = history.decayed(o.weight(), nowMillis);
            double chance = 1 - Math.pow(1 - Math.min(p, 1), w);
            scored.add(new Scored(new Recommendation(o.item(), view.texts().get(o.item()), chance, ownReason(o)),
                    o.weight()));
        }
        List<ShopperView.Popular> pool = hasSegment ? view.segment() : view.global();
        double baskets = hasSegment ? view.segmentBaskets() : view.globalBaskets();
        int rank = 0;
        for (ShopperView.Popular p : pool) {
            rank++;
            if (owned.containsKey(p.item()) || excluded.contains(p.item())) {
                continue;
            }
            double perBasket = perBasket(p, baskets);
            Recommendation.Reason reason = hasSegment
                    ? new Recommendation.Reason(Recommendation.Kind.POPULAR_IN_SEGMENT, 0, 0, view.segmentId(),
                            segmentLabel, perBasket)
                    : new Recommendation.Reason(Recommendation.Kind.POPULAR_OVERALL, 0, 0, null, null, perBasket);
            scored.add(new Scored(new Recommendation(p.item(), view.texts().get(p.item()),
                    params.discoveryWeight() * perBasket, reason), -rank));
        }
        scored.sort(Comparator.comparingDouble((Scored s) -> s.r().score()).reversed()
                .thenComparing(Comparator.comparingDouble(Scored::tie).reversed())
                .thenComparing(s -> s.r().item()));
        List<Recommendation> out = new ArrayList<>();
        for (Scored s : scored.subList(0, Math.min(limit, scored.size()))) {
            out.add(s.r());
        }
        return out;
    }

    private List<Recommendation> popular(List<ShopperView.Popular> items, double baskets, int limit,
            Set<String> excluded, ShopperView view, Recommendation.Kind kind, Long segmentId, String label) {
        List<Recommendation> out = new ArrayList<>();
        for (ShopperView.Popular p : items) {
            if (out.size() >= limit) {
                break;
            }
            if (excluded.contains(p.item())) {
                continue;
            }
            double perBasket = perBasket(p, baskets);
            out.add(new Recommendation(p.item(), view.texts().get(p.item()), perBasket,
                    new Recommendation.Reason(kind, 0, 0, segmentId, label, perBasket)));
        }
        return out;
    }

    /** min(1, P / β): decayed interactions per basket; 0 before any basket. */
    private static double perBasket(ShopperView.Popular p, double baskets) {
        return baskets > 0 ? Math.min(1, p.weight() / baskets) : 0;
    }

    private static Recommendation.Reason ownReason(ShopperView.Owned o) {
        return o.purchases() > 0
                ? new Recommendation.Reason(Recommendation.Kind.BOUGHT_BEFORE, o.purchases(), o.lastPurchaseMillis(),
                        null, null, 0)
                : new Recommendation.Reason(Recommendation.Kind.INTERESTED_BEFORE, 0, 0, null, null, 0);
    }
}

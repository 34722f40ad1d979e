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
 * baskets, b(i) the decayed baskets that hold i, C(i, j) those that hold i and j ({@link RecommendationUpdate}).
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
 * purchases per basket in the segment, scaled by the discovery weight λ;</li>
 * <li>a not-yet-bought item j bought with one of the shopper's S own items of highest weight:
 * μ · max over those i of chance(i) · min(1, C(i, j) / b(i)), the chance of i times the share of i's baskets
 * that also hold j ("often bought with i"). An item that is both takes the higher of the two estimates, and
 * its reason.</li>
 * </ul>
 * Ties (e.g. before any purchase, when every chance is 0) go to own items by weight, then to popular items in
 * popularity order, then to "bought with" items by their place in their list.</li>
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
            scored.add(new Scored(new Recommendation(o.item(), view.texts().get(o.item()),
                    chance(o, view, mean, history, nowMillis), ownReason(o)), o.weight()));
        }
        // Not-yet-bought items bought with an own item: the best chance(i) · C(i, j) / b(i) per item j.
        record With(String source, double share, double estimate, int rank) {
        }
        Map<String, With> with = new HashMap<>();
        Map<String, List<ShopperView.Popular>> lists = params.coBoughtWeight() > 0 ? view.boughtWith() : Map.of();
        for (Map.Entry<String, List<ShopperView.Popular>> e : lists.entrySet()) {
            Double sourceBaskets = view.itemBaskets().get(e.getKey());
            ShopperView.Owned source = owned.get(e.getKey());
            if (sourceBaskets == null || !(sourceBaskets > 0) || source == null) {
                continue;
            }
            double chance = chance(source, view, mean, history, nowMillis);
            int rank = 0;
            for (ShopperView.Popular p : e.getValue()) {
                rank++;
                if (owned.containsKey(p.item()) || excluded.contains(p.item())) {
                    continue;
                }
                double share = Math.min(1, p.weight() / sourceBaskets);
                With w = new With(e.getKey(), share, chance * share, rank);
                With best = with.get(p.item());
                if (best == null || w.estimate() > best.estimate()
                        || (w.estimate() == best.estimate() && w.source().compareTo(best.source()) < 0)) {
                    with.put(p.item(), w);
                }
            }
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
            double score = params.discoveryWeight() * perBasket;
            With w = with.remove(p.item());
            Recommendation.Reason reason;
            if (w != null && params.coBoughtWeight() * w.estimate() > score) {
                score = params.coBoughtWeight() * w.estimate();
                reason = boughtWith(w.source(), w.share(), view);
            } else {
                reason = hasSegment
                        ? new Recommendation.Reason(Recommendation.Kind.POPULAR_IN_SEGMENT, 0, 0, view.segmentId(),
                                segmentLabel, perBasket, null, null)
                        : new Recommendation.Reason(Recommendation.Kind.POPULAR_OVERALL, 0, 0, null, null, perBasket,
                                null, null);
            }
            scored.add(new Scored(new Recommendation(p.item(), view.texts().get(p.item()), score, reason), -rank));
        }
        // Ties among them go by their place in their list (so the first r of a list are the ones that can win).
        for (Map.Entry<String, With> e : with.entrySet()) {
            With w = e.getValue();
            scored.add(new Scored(new Recommendation(e.getKey(), view.texts().get(e.getKey()),
                    params.coBoughtWeight() * w.estimate(), boughtWith(w.source(), w.share(), view)),
                    -(pool.size() + w.rank())));
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

    /** An own item's chance to be in the next basket: 1 − (1 − p(i))^W(u, i). */
    private double chance(ShopperView.Owned o, ShopperView view, double mean, DecayClock history, long nowMillis) {
        ShopperView.Repurchase r = view.propensity().getOrDefault(o.item(), ShopperView.Repurchase.NONE);
        double p = (r.repeaters() + params.propensityPrior() * mean)
                / Math.max(r.buyers() + params.propensityPrior(), 1e-16);
        double w = history.decayed(o.weight(), nowMillis);
        return 1 - Math.pow(1 - Math.min(p, 1), w);
    }

    private static Recommendation.Reason boughtWith(String source, double share, ShopperView view) {
        return new Recommendation.Reason(Recommendation.Kind.BOUGHT_WITH, 0, 0, null, null, share, source,
                view.texts().get(source));
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
                    new Recommendation.Reason(kind, 0, 0, segmentId, label, perBasket, null, null)));
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
                        null, null, 0, null, null)
                : new Recommendation.Reason(Recommendation.Kind.INTERESTED_BEFORE, 0, 0, null, null, 0, null, null);
    }
}

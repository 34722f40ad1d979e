package io.shoal.recommendation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The recommendation state in memory: the evaluation's driver of {@link RecommendationUpdate} and the reference
 * the Redis script is tested against. Not thread-safe.
 */
public final class RecommendationState {

    /** Orders as Redis orders a sorted set: by score, then by the member's bytes. */
    static final Comparator<Map.Entry<String, Double>> REDIS_ORDER = Comparator
            .<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue)
            .thenComparing(e -> e.getKey().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);

    private static final class Shopper {
        final Map<String, Double> weights = new HashMap<>();
        final Map<String, Shown> shown = new HashMap<>();
        final Map<String, long[]> counts = new HashMap<>(); // purchases, last purchase millis
        long lastBasket = Long.MIN_VALUE;
        /** The first L distinct items of the current basket. */
        final List<String> basket = new ArrayList<>();
    }

    private record Shown(Strategy strategy, long millis) {
    }

    /** Feedback counts per segment (null: none) and strategy. */
    public record FeedbackKey(Long segmentId, Strategy strategy) {
    }

    /** Impressions, clicks and conversions of one (segment, strategy). */
    public record FeedbackCounts(long impressions, long clicks, long conversions) {
        FeedbackCounts plus(Interaction.Kind kind) {
            return switch (kind) {
                case IMPRESSION -> new FeedbackCounts(impressions + 1, clicks, conversions);
                case CLICK -> new FeedbackCounts(impressions, clicks + 1, conversions);
                default -> new FeedbackCounts(impressions, clicks, conversions + 1); // PURCHASE: a conversion
            };
        }
    }

    private static final class Popularity {
        final Map<String, Double> items = new HashMap<>();
        double baskets;
    }

    private final RecommendationParams params;
    private final Map<String, Shopper> shoppers = new HashMap<>();
    private final Map<Long, Popularity> segments = new HashMap<>();
    private final Popularity global = new Popularity();
    private final Map<String, long[]> repurchase = new HashMap<>();
    private final Map<String, String> texts = new HashMap<>();
    private final Map<FeedbackKey, FeedbackCounts> feedback = new HashMap<>();
    /** C(i, ·): per item, the items bought with it. */
    private final Map<String, Map<String, Double>> boughtWith = new HashMap<>();
    /** b(i): per item, its decayed baskets. */
    private final Map<String, Double> itemBaskets = new HashMap<>();
    private long buyers;
    private long repeaters;
    /** Top lists read since the last apply (key: segment id, or null for global; then n): the state is fixed. */
    private final Map<List<Object>, List<ShopperView.Popular>> tops = new HashMap<>();

    public RecommendationState(RecommendationParams params) {
        this.params = params;
    }

    public RecommendationParams params() {
        return params;
    }

    /**
     * Applies a batch's increments.
     *
     * @param segmentOf each shopper's segment after the batch (null: none)
     */
    public void apply(List<RecommendationUpdate.Increment> increments, Function<String, Long> segmentOf) {
        tops.clear();
        Set<String> touchedShoppers = new LinkedHashSet<>();
        Set<Long> touchedSegments = new LinkedHashSet<>();
        Set<String> touchedItems = new LinkedHashSet<>();
        for (RecommendationUpdate.Increment x : increments) {
            Shopper u = shoppers.computeIfAbsent(x.userId(), k -> new Shopper());
            touchedShoppers.add(x.userId());
            Long segment = segmentOf.apply(x.userId());
            if (x.feedback() != null) {
                feedback.merge(new FeedbackKey(segment, x.strategy()), new FeedbackCounts(0, 0, 0).plus(x.feedback()),
                        (a, b) -> a.plus(x.feedback()));
                if (u.shown.containsKey(x.item()) || u.shown.size() < params.shownItems()) {
                    u.shown.put(x.item(), new Shown(x.strategy(), x.eventMillis()));
                }
            }
            if (x.popularity() <= 0) {
                continue; // an impression (or a click of weight 0): feedback only
            }
            u.weights.merge(x.item(), x.history(), Double::sum);
            Popularity s = segment == null ? null : segments.computeIfAbsent(segment, k -> new Popularity());
            if (x.purchase()) {
                Shown shown = u.shown.get(x.item());
                if (shown != null && x.eventMillis() >= shown.millis()
                        && x.eventMillis() - shown.millis() <= params.conversionWindowMillis()) {
                    feedback.merge(new FeedbackKey(segment, shown.strategy()), new FeedbackCounts(0, 0, 1),
                            (a, b) -> a.plus(Interaction.Kind.PURCHASE));
                    u.shown.remove(x.item());
                }
                long[] c = u.counts.computeIfAbsent(x.item(), k -> new long[2]);
                boolean again = c[0] > 0 && c[1] == x.eventMillis(); // a second line of the same basket
                if (!again) {
                    c[0]++;
                }
                c[1] = Math.max(c[1], x.eventMillis());
                if (!again && c[0] <= 2) {
                    long[] r = repurchase.computeIfAbsent(x.item(), k -> new long[2]);
                    r[(int) c[0] - 1]++;
                    if (c[0] == 1) {
                        buyers++;
                    } else {
                        repeaters++;
                    }
                }
                if (u.lastBasket != x.eventMillis()) {
                    u.lastBasket = x.eventMillis();
                    global.baskets += x.basket();
                    if (s != null) {
                        s.baskets += x.basket();
                    }
                    u.basket.clear();
                }
                if (!again && params.basketPairs() > 0 && !u.basket.contains(x.item())) {
                    for (String other : u.basket) {
                        boughtWith.computeIfAbsent(other, k -> new HashMap<>()).merge(x.item(), x.basket(),
                                Double::sum);
                        boughtWith.computeIfAbsent(x.item(), k -> new HashMap<>()).merge(other, x.basket(),
                                Double::sum);
                        touchedItems.add(other);
                    }
                    itemBaskets.merge(x.item(), x.basket(), Double::sum);
                    touchedItems.add(x.item());
                    if (u.basket.size() < params.basketPairs()) {
                        u.basket.add(x.item());
                    }
                }
            }
            if (s != null) {
                s.items.merge(x.item(), x.popularity(), Double::sum);
                touchedSegments.add(segment);
            }
            global.items.merge(x.item(), x.popularity(), Double::sum);
            if (x.text() != null) {
                texts.put(x.item(), x.text());
            }
        }
        for (String id : touchedShoppers) {
            Shopper u = shoppers.get(id);
            if (u.weights.isEmpty() && u.counts.isEmpty()) {
                continue;
            }
            for (String gone : trim(u.weights, params.shopperItems())) {
                u.counts.remove(gone);
            }
        }
        for (Long id : touchedSegments) {
            trim(segments.get(id).items, params.segmentItems());
        }
        for (String item : touchedItems) {
            Map<String, Double> with = boughtWith.get(item);
            if (with != null) {
                trim(with, params.coBoughtItems());
            }
        }
        for (String gone : trim(global.items, params.globalItems())) {
            texts.remove(gone);
            repurchase.remove(gone);
            boughtWith.remove(gone);
            itemBaskets.remove(gone);
        }
        // A basket may still name an item that left the catalogue: its new co-purchase state goes too.
        for (String item : touchedItems) {
            if (!global.items.containsKey(item)) {
                boughtWith.remove(item);
                itemBaskets.remove(item);
            }
        }
    }

    /** Removes the lowest entries beyond {@code max}; returns their keys. */
    private static List<String> trim(Map<String, Double> scores, int max) {
        if (scores.size() <= max) {
            return List.of();
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(scores.entrySet());
        sorted.sort(REDIS_ORDER);
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, Double> e : sorted.subList(0, sorted.size() - max)) {
            gone.add(e.getKey());
        }
        gone.forEach(scores::remove);
        return gone;
    }

    /** {@link #view(String, Long, int, int, Strategy)} of everything, with texts for every candidate. */
    public ShopperView view(String userId, Long segmentId, int candidates) {
        return view(userId, segmentId, candidates, candidates, null);
    }

    /**
     * What the recommender reads for a shopper (what {@code recommend.lua} returns in the service).
     *
     * @param segmentId  the shopper's segment, or null
     * @param candidates how many of the segment's and the global top to include
     * @param reach      the list length asked for: a popular list is cut after its {@code reach}-th item not owned
     *                   (the own items before it keep their places), a "bought with" list holds its first
     *                   {@code reach} items not owned, and texts are read for the own items and those (within one
     *                   list the scores fall with its order: the others cannot make the list)
     * @param strategy   the strategy the view is for, or null for all: only what its rule uses is read (the
     *                   segment's top for blended and segment; the global top for global and wherever there is no
     *                   segment top to use; "bought with" lists for blended); the rest is empty
     */
    public ShopperView view(String userId, Long segmentId, int candidates, int reach, Strategy strategy) {
        Shopper u = shoppers.get(userId);
        List<ShopperView.Owned> owned = new ArrayList<>();
        Map<String, ShopperView.Repurchase> propensity = new HashMap<>();
        if (u != null) {
            u.weights.forEach((item, w) -> {
                long[] c = u.counts.getOrDefault(item, new long[2]);
                owned.add(new ShopperView.Owned(item, w, c[0], c[1]));
                long[] r = repurchase.get(item);
                if (r != null) {
                    propensity.put(item, new ShopperView.Repurchase(r[0], r[1]));
                }
            });
        }
        Popularity s = segmentId == null ? null : segments.get(segmentId);
        boolean readSegment = s != null
                && (strategy == null || strategy == Strategy.BLENDED || strategy == Strategy.SEGMENT);
        List<ShopperView.Popular> segmentTop = !readSegment ? List.of()
                : tops.computeIfAbsent(Arrays.asList(segmentId, candidates), k -> top(s.items, candidates));
        boolean needGlobal = strategy == null || strategy == Strategy.GLOBAL
                || (segmentTop.isEmpty() && strategy != Strategy.PERSONAL) || (owned.isEmpty() && segmentId == null);
        List<ShopperView.Popular> globalTop = !needGlobal ? List.of()
                : tops.computeIfAbsent(Arrays.asList(null, candidates), k -> top(global.items, candidates));
        Map<String, String> t = new HashMap<>();
        for (ShopperView.Owned o : owned) {
            addText(t, o.item());
        }
        Set<String> own = u == null ? Set.of() : u.weights.keySet();
        segmentTop = upToReach(segmentTop, own, reach);
        globalTop = upToReach(globalTop, own, reach);
        segmentTop.forEach(p -> addText(t, p.item()));
        globalTop.forEach(p -> addText(t, p.item()));
        Map<String, List<ShopperView.Popular>> with = new HashMap<>();
        Map<String, Double> baskets = new HashMap<>();
        if (u != null) {
            int sources = strategy == null || strategy == Strategy.BLENDED ? params.coBoughtSources() : 0;
            for (ShopperView.Popular source : top(u.weights, sources)) {
                Map<String, Double> c = boughtWith.get(source.item());
                List<ShopperView.Popular> list = c == null ? List.of() : newItems(top(c, c.size()), own, reach);
                if (!list.isEmpty()) {
                    with.put(source.item(), list);
                    list.forEach(p -> addText(t, p.item()));
                }
                Double b = itemBaskets.get(source.item());
                if (b != null) {
                    baskets.put(source.item(), b);
                }
            }
        }
        return new ShopperView((u != null && !u.weights.isEmpty()) || segmentId != null, segmentId, owned, segmentTop,
                readSegment ? s.baskets : 0, globalTop, global.baskets, propensity,
                new ShopperView.Repurchase(buyers, repeaters), t, with, baskets);
    }

    /** The entries up to and including the {@code n}-th that is not owned. */
    private static List<ShopperView.Popular> upToReach(List<ShopperView.Popular> list, Set<String> owned, int n) {
        int fresh = 0;
        int end = 0;
        while (end < list.size() && fresh < n) {
            if (!owned.contains(list.get(end).item())) {
                fresh++;
            }
            end++;
        }
        return list.subList(0, end);
    }

    /** The first {@code n} entries that are not owned. */
    private static List<ShopperView.Popular> newItems(List<ShopperView.Popular> list, Set<String> owned, int n) {
        List<ShopperView.Popular> out = new ArrayList<>();
        for (ShopperView.Popular p : list) {
            if (out.size() >= n) {
                break;
            }
            if (!owned.contains(p.item())) {
                out.add(p);
            }
        }
        return out;
    }

    private void addText(Map<String, String> out, String item) {
        String text = texts.get(item);
        if (text != null) {
            out.put(item, text);
        }
    }

    /** The n highest, highest first (the reverse of {@link #REDIS_ORDER}, as ZREVRANGE returns them). */
    static List<ShopperView.Popular> top(Map<String, Double> scores, int n) {
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(scores.entrySet());
        sorted.sort(REDIS_ORDER.reversed());
        List<ShopperView.Popular> out = new ArrayList<>(Math.min(n, sorted.size()));
        for (Map.Entry<String, Double> e : sorted.subList(0, Math.min(n, sorted.size()))) {
            out.add(new ShopperView.Popular(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The feedback counts so far. */
    public Map<FeedbackKey, FeedbackCounts> feedback() {
        return Map.copyOf(feedback);
    }

    /** Shoppers with state (for memory reports). */
    public int shoppers() {
        return shoppers.size();
    }
}

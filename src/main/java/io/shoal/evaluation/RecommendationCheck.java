package io.shoal.evaluation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;

import io.shoal.event.EventType;

/**
 * Would the segments have helped recommend the next purchase? Replayed alongside the engine: for every basket (a
 * customer's purchases at one timestamp, i.e. one invoice) of a customer who already has a segment, each
 * recommender proposes {@value #TOP} items from what happened before the basket's micro-batch, and a hit is a
 * basket that contains at least one of them. Hit rate @10 = hits / baskets.
 *
 * <h2>Recommenders</h2>
 * <ul>
 * <li>global: the most popular items overall;</li>
 * <li>segment: the most popular items among purchases made by members of the customer's current segment;</li>
 * <li>history+segment: the customer's own most bought items first, then the segment's;</li>
 * <li>history+global: the customer's own items first, then the global ones (tells what the segment adds).</li>
 * </ul>
 * Popularity is recency-weighted: a purchase t ago counts 2^(-t / halfLife). A purchase counts for the segment its
 * buyer is in right after its micro-batch. Items the predicate rejects (postage, fees) are neither recommended nor
 * counted as hits.
 */
public final class RecommendationCheck implements InMemoryDriver.BatchObserver {

    /** Recommendation list length. */
    public static final int TOP = 10;
    /** Default popularity half-life: 30 days. */
    public static final long DEFAULT_HALF_LIFE_MILLIS = 30L * 24 * 3600 * 1000;

    /** The recommenders compared. */
    public enum Recommender {
        GLOBAL, SEGMENT, HISTORY_SEGMENT, HISTORY_GLOBAL
    }

    /**
     * @param baskets evaluated baskets (customer already segmented)
     * @param hits    per recommender, baskets with at least one recommended item
     */
    public record Result(long baskets, Map<Recommender, Long> hits) {

        /** hits / baskets in [0, 1]; 0 without baskets. */
        public double hitRate(Recommender r) {
            return baskets == 0 ? 0 : (double) hits.getOrDefault(r, 0L) / baskets;
        }
    }

    private final Predicate<String> recommendable;
    private final long halfLifeMillis;
    private final Map<String, Double> global = new HashMap<>();
    private final Map<Long, Map<String, Double>> bySegment = new HashMap<>();
    private final Map<String, Map<String, Double>> byUser = new HashMap<>();
    private final Set<String> seenBaskets = new HashSet<>();
    private final Map<Recommender, Long> hits = new LinkedHashMap<>();
    private long origin = Long.MIN_VALUE;
    private long baskets;

    /**
     * @param recommendable which item ids are products that may be recommended and hit
     * @param halfLifeMillis popularity half-life in event time; &gt; 0
     */
    public RecommendationCheck(Predicate<String> recommendable, long halfLifeMillis) {
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("halfLifeMillis must be > 0 but was " + halfLifeMillis);
        }
        this.recommendable = recommendable;
        this.halfLifeMillis = halfLifeMillis;
        for (Recommender r : Recommender.values()) {
            hits.put(r, 0L);
        }
    }

    @Override
    public void beforeBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
        Map<String, Set<String>> basketsOfBatch = new LinkedHashMap<>();
        Map<String, String> owner = new HashMap<>();
        for (EvaluationEvent e : events) {
            if (e.type() != EventType.PURCHASE || !recommendable.test(e.itemId())) {
                continue;
            }
            String key = e.userId() + '@' + e.eventMillis();
            if (seenBaskets.contains(key)) {
                continue;
            }
            basketsOfBatch.computeIfAbsent(key, x -> new HashSet<>()).add(e.itemId());
            owner.put(key, e.userId());
        }
        // Popularity is fixed within a batch: each list is ranked once per batch.
        List<String> globalTop = top(global, TOP);
        Map<Long, List<String>> segmentTops = new HashMap<>();
        for (Map.Entry<String, Set<String>> basket : basketsOfBatch.entrySet()) {
            seenBaskets.add(basket.getKey());
            String user = owner.get(basket.getKey());
            Long segment = engine.segmentOf(user);
            if (segment == null) {
                continue;
            }
            baskets++;
            List<String> segmentTop = segmentTops.computeIfAbsent(segment,
                    id -> top(bySegment.getOrDefault(id, Map.of()), TOP));
            List<String> own = top(byUser.getOrDefault(user, Map.of()), TOP);
            score(Recommender.GLOBAL, globalTop, basket.getValue());
            score(Recommender.SEGMENT, segmentTop, basket.getValue());
            score(Recommender.HISTORY_SEGMENT, blend(own, segmentTop), basket.getValue());
            score(Recommender.HISTORY_GLOBAL, blend(own, globalTop), basket.getValue());
        }
    }

    @Override
    public void afterBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
        for (EvaluationEvent e : events) {
            if (e.type() != EventType.PURCHASE || !recommendable.test(e.itemId())) {
                continue;
            }
            if (origin == Long.MIN_VALUE) {
                origin = e.eventMillis();
            }
            // Growing weights 2^((t - origin)/h) rank exactly as decayed counts 2^(-(now - t)/h) at any "now".
            double w = Math.pow(2.0, (double) (e.eventMillis() - origin) / halfLifeMillis);
            global.merge(e.itemId(), w, Double::sum);
            byUser.computeIfAbsent(e.userId(), x -> new HashMap<>()).merge(e.itemId(), w, Double::sum);
            Long segment = engine.segmentOf(e.userId());
            if (segment != null) {
                bySegment.computeIfAbsent(segment, x -> new HashMap<>()).merge(e.itemId(), w, Double::sum);
            }
        }
    }

    public Result result() {
        return new Result(baskets, Map.copyOf(hits));
    }

    private void score(Recommender r, List<String> recommended, Set<String> basket) {
        for (String item : recommended) {
            if (basket.contains(item)) {
                hits.merge(r, 1L, Long::sum);
                return;
            }
        }
    }

    /** {@code first} then {@code then}, without duplicates, cut at {@value #TOP}. */
    static List<String> blend(List<String> first, List<String> then) {
        LinkedHashSet<String> out = new LinkedHashSet<>(first);
        for (String s : then) {
            if (out.size() >= TOP) {
                break;
            }
            out.add(s);
        }
        return new ArrayList<>(out).subList(0, Math.min(TOP, out.size()));
    }

    /** The n highest-scored keys, highest first; ties by key for reproducibility. */
    static List<String> top(Map<String, Double> scores, int n) {
        PriorityQueue<Map.Entry<String, Double>> heap = new PriorityQueue<>(
                (a, b) -> a.getValue().equals(b.getValue()) ? b.getKey().compareTo(a.getKey())
                        : Double.compare(a.getValue(), b.getValue()));
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            heap.add(e);
            if (heap.size() > n) {
                heap.poll();
            }
        }
        List<String> out = new ArrayList<>(heap.size());
        while (!heap.isEmpty()) {
            out.add(heap.poll().getKey());
        }
        java.util.Collections.reverse(out);
        return out;
    }
}

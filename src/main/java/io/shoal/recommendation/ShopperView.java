package io.shoal.recommendation;

import java.util.List;
import java.util.Map;

/**
 * What the recommender reads for one shopper, in one round trip in the service: the shopper's own items, the top of
 * their segment's and of the global popularity, the repurchase counts of the own items and the candidates' texts.
 *
 * @param known          whether Shoal has any state for the shopper (false: cold start)
 * @param segmentId      the shopper's segment, null without one
 * @param owned          the shopper's items (at most M), any order
 * @param segment        the segment's most popular items, highest first (empty without a segment)
 * @param segmentBaskets β(s): the segment's decayed basket count, as a sum of growing weights
 * @param global         the most popular items of all shoppers, highest first
 * @param globalBaskets  β: all shoppers' decayed basket count
 * @param propensity     B(i), R(i) for the owned items that still have them
 * @param overall        the totals B, R
 * @param texts          item key to text, for the own items and the items of the lists that can make a list of the
 *                       length asked for (the first that many not owned of each list), where known
 * @param boughtWith     for the shopper's S own items of highest weight that have one: the items bought with it,
 *                       C(i, ·), highest first, as many not owned as the list length asked for (at most K)
 * @param itemBaskets    for the same own items: b(i), the decayed count of baskets that hold it
 */
public record ShopperView(boolean known, Long segmentId, List<Owned> owned, List<Popular> segment,
        double segmentBaskets, List<Popular> global, double globalBaskets, Map<String, Repurchase> propensity,
        Repurchase overall, Map<String, String> texts, Map<String, List<Popular>> boughtWith,
        Map<String, Double> itemBaskets) {

    /** A view without co-purchase state. */
    public ShopperView(boolean known, Long segmentId, List<Owned> owned, List<Popular> segment,
            double segmentBaskets, List<Popular> global, double globalBaskets, Map<String, Repurchase> propensity,
            Repurchase overall, Map<String, String> texts) {
        this(known, segmentId, owned, segment, segmentBaskets, global, globalBaskets, propensity, overall, texts,
                Map.of(), Map.of());
    }

    /**
     * One of the shopper's items.
     *
     * @param weight             W(u, i), a sum of growing weights of the history clock
     * @param purchases          c(u, i)
     * @param lastPurchaseMillis the last purchase, 0 when never bought (only viewed, carted, clicked)
     */
    public record Owned(String item, double weight, long purchases, long lastPurchaseMillis) {
    }

    /** An item and its popularity (a sum of growing weights of the popularity clock). */
    public record Popular(String item, double weight) {
    }

    /** Buyers and repeat buyers of an item (or of all items). */
    public record Repurchase(long buyers, long repeaters) {
        public static final Repurchase NONE = new Repurchase(0, 0);
    }
}

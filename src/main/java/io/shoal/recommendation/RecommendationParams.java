package io.shoal.recommendation;

/**
 * Every parameter of the recommendation rules (the service reads them from {@code shoal.recommendation.*}, the
 * evaluation from the same typed config).
 *
 * @param historyHalfLifeMillis    h of a shopper's own item weights: an item bought once h ago weighs ½
 * @param popularityHalfLifeMillis h of segment and global popularity ("popular this week" ages out)
 * @param shopperItems             M: items kept per shopper (the lowest weight goes first)
 * @param segmentItems             N: items kept per segment
 * @param globalItems              G: items kept in the global list; also bounds the item catalogue (texts and
 *                                 repurchase counts of items that leave it are dropped)
 * @param propensityPrior          α of the repurchase propensity: an item with few buyers is pulled toward the
 *                                 average rate as if it had α more buyers at that rate (0 = raw rate)
 * @param discoveryWeight          λ: a not-yet-bought item's expected purchases per basket in the segment is
 *                                 multiplied by λ before it competes with own items (0 = only own items, then
 *                                 the segment's; large = the segment's first)
 * @param viewWeight               weight of a view in a shopper's own items and in popularity (a purchase weighs 1)
 * @param cartWeight               weight of an add-to-cart
 * @param clickWeight              weight of a click on a recommendation
 * @param wishlistWeight           weight of a wishlist add
 * @param conversionWindowMillis   a purchase of an item shown (or clicked) at most this long before converts
 * @param shownItems               shown items remembered per shopper for conversions; beyond, new ones are not
 * @param basketPairs              L: the first L distinct items of a basket are remembered; each later item of the
 *                                 basket is counted as bought with each of them (0 = no co-purchase state)
 * @param coBoughtItems            K: items kept per item as "bought with" it (the lowest weight goes first)
 * @param coBoughtSources          S: a recommendation reads the "bought with" lists of the shopper's S own items of
 *                                 highest weight
 * @param coBoughtWeight           μ: the estimate of a not-yet-bought item from an own item it is bought with is
 *                                 multiplied by μ before it competes (0 = never "often bought with")
 */
public record RecommendationParams(long historyHalfLifeMillis, long popularityHalfLifeMillis, int shopperItems,
        int segmentItems, int globalItems, double propensityPrior, double discoveryWeight, double viewWeight,
        double cartWeight, double clickWeight, double wishlistWeight, long conversionWindowMillis, int shownItems,
        int basketPairs, int coBoughtItems, int coBoughtSources, double coBoughtWeight) {

    /** L, K, S, μ when not given. */
    public static final int DEFAULT_BASKET_PAIRS = 5;
    public static final int DEFAULT_CO_BOUGHT_ITEMS = 20;
    public static final int DEFAULT_CO_BOUGHT_SOURCES = 5;
    public static final double DEFAULT_CO_BOUGHT_WEIGHT = 0.5;

    /** The same with the default co-purchase parameters. */
    public RecommendationParams(long historyHalfLifeMillis, long popularityHalfLifeMillis, int shopperItems,
            int segmentItems, int globalItems, double propensityPrior, double discoveryWeight, double viewWeight,
            double cartWeight, double clickWeight, double wishlistWeight, long conversionWindowMillis,
            int shownItems) {
        this(historyHalfLifeMillis, popularityHalfLifeMillis, shopperItems, segmentItems, globalItems,
                propensityPrior, discoveryWeight, viewWeight, cartWeight, clickWeight, wishlistWeight,
                conversionWindowMillis, shownItems, DEFAULT_BASKET_PAIRS, DEFAULT_CO_BOUGHT_ITEMS,
                DEFAULT_CO_BOUGHT_SOURCES, DEFAULT_CO_BOUGHT_WEIGHT);
    }

    /** The same without feedback parameters: a 7-day conversion window, 200 shown items. */
    public RecommendationParams(long historyHalfLifeMillis, long popularityHalfLifeMillis, int shopperItems,
            int segmentItems, int globalItems, double propensityPrior, double discoveryWeight, double viewWeight,
            double cartWeight, double clickWeight, double wishlistWeight) {
        this(historyHalfLifeMillis, popularityHalfLifeMillis, shopperItems, segmentItems, globalItems,
                propensityPrior, discoveryWeight, viewWeight, cartWeight, clickWeight, wishlistWeight,
                7L * 24 * 3600 * 1000, 200);
    }

    public RecommendationParams {
        positive("historyHalfLifeMillis", historyHalfLifeMillis);
        positive("popularityHalfLifeMillis", popularityHalfLifeMillis);
        positive("shopperItems", shopperItems);
        positive("segmentItems", segmentItems);
        positive("globalItems", globalItems);
        nonNegative("propensityPrior", propensityPrior);
        nonNegative("discoveryWeight", discoveryWeight);
        nonNegative("viewWeight", viewWeight);
        nonNegative("cartWeight", cartWeight);
        nonNegative("clickWeight", clickWeight);
        nonNegative("wishlistWeight", wishlistWeight);
        positive("conversionWindowMillis", conversionWindowMillis);
        positive("shownItems", shownItems);
        nonNegative("basketPairs", basketPairs);
        positive("coBoughtItems", coBoughtItems);
        nonNegative("coBoughtSources", coBoughtSources);
        nonNegative("coBoughtWeight", coBoughtWeight);
    }

    /** The clock of shoppers' own items. */
    public DecayClock historyClock() {
        return new DecayClock(historyHalfLifeMillis);
    }

    /** The clock of segment and global popularity. */
    public DecayClock popularityClock() {
        return new DecayClock(popularityHalfLifeMillis);
    }

    /** Weight of one interaction of this kind (a purchase weighs 1). */
    public double weight(Interaction.Kind kind) {
        return switch (kind) {
            case PURCHASE -> 1.0;
            case CART -> cartWeight;
            case VIEW -> viewWeight;
            case CLICK -> clickWeight;
            case WISHLIST -> wishlistWeight;
            case IMPRESSION -> 0;
        };
    }

    private static void positive(String name, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + value);
        }
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0 but was " + value);
        }
    }
}

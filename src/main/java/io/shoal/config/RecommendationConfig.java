package io.shoal.config;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.shoal.recommendation.ItemFilter;
import io.shoal.recommendation.RecommendationParams;
import io.shoal.recommendation.Strategy;
import io.shoal.recommendation.StrategySplit;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Recommendations: the state the pipeline keeps and the rules of {@code io.shoal.recommendation.Recommender}. */
@ConfigMapping(prefix = "shoal.recommendation")
public interface RecommendationConfig {

    /** Whether the pipeline keeps the recommendation state (the API then answers from what exists, or 503). */
    @WithDefault("true")
    boolean enabled();

    /** Half-life of a shopper's own item weights: an item bought once this long ago counts half. */
    @WithDefault("365d")
    Duration historyHalfLife();

    /** Half-life of segment and global popularity ("popular lately"). */
    @WithDefault("30d")
    Duration popularityHalfLife();

    /** Items kept per shopper (lowest weight leaves first). */
    @WithDefault("50")
    int shopperItems();

    /** Items kept per segment. */
    @WithDefault("200")
    int segmentItems();

    /** Items kept in the global list; also the catalogue bound (texts and repurchase counts). */
    @WithDefault("20000")
    int globalItems();

    /** α: repurchase propensities of items with few buyers are pulled toward the mean as if by α more buyers. */
    @WithDefault("20")
    double propensityPrior();

    /** λ: weight of a not-yet-bought segment item's purchases per basket against own items' repurchase chance. */
    @WithDefault("0.25")
    double discoveryWeight();

    /** Weight of a view in own items and popularity (a purchase weighs 1). */
    @WithDefault("0.1")
    double viewWeight();

    /** Weight of an add-to-cart. */
    @WithDefault("0.5")
    double cartWeight();

    /** Weight of a click on a recommended item. */
    @WithDefault("0.3")
    double clickWeight();

    /** Weight of a wishlist add. */
    @WithDefault("0.3")
    double wishlistWeight();

    /** A purchase of an item shown (or clicked) in a recommendation at most this long before is a conversion. */
    @WithDefault("7d")
    Duration conversionWindow();

    /** Items shown to a shopper remembered for conversions; beyond this many, new ones are not remembered. */
    @WithDefault("200")
    int shownItems();

    /**
     * L: the first this many distinct items of a basket are remembered, and each later item of the basket counts as
     * "bought with" each of them (a basket of n items costs at most 2·L·n sorted-set additions). 0 turns the
     * co-purchase state and the "often bought with" reason off.
     */
    @WithDefault("5")
    int basketPairs();

    /** K: items kept per item as bought with it (the lowest decayed count leaves first). */
    @WithDefault("20")
    int coBoughtItems();

    /** S: a recommendation reads the "bought with" lists of the shopper's this many own items of highest weight. */
    @WithDefault("5")
    int coBoughtSources();

    /**
     * μ: weight of "often bought with" estimates (an own item's chance times the share of its baskets that hold
     * the other item) against own items and the segment's new items; 0 = never. 0.5 is the largest weight that
     * costs {@code blended} nothing on the validation cutoff (2011-07-01) of Online Retail.
     */
    @WithDefault("0.5")
    double coBoughtWeight();

    /**
     * A shopper's recent interactions kept (newest first) for explanations: the events behind the last move. Not
     * used by the recommendation rules.
     */
    @WithDefault("20")
    int recentInteractions();

    /**
     * Items the recommendation state does not learn and never recommends: a Java regular expression the whole item
     * key must match (the event's {@code itemId}, else {@code t:} and its normalised text), for lines that are not
     * products, e.g. {@code POST|DOT|M|BANK CHARGES|gift-wrap-.*}. Their events still count for the shopper's
     * segment. Default: none. A pattern that does not compile stops the start (SmallRye Config's converter names
     * the key and the value).
     */
    Optional<Pattern> excludedItems();

    /** Items a request may ask for at most ({@code limit}). */
    @WithDefault("100")
    int maxLimit();

    /** With {@code excludeRecent=true}: items bought within this window are left out ("just bought"). */
    @WithDefault("1d")
    Duration justBoughtWindow();

    /**
     * Share of shoppers per strategy when a request names none (a stable split by a hash of the user id), e.g.
     * {@code blended=0.8,personal=0.2}; shares are normalised. Default: everyone {@code blended}.
     */
    @WithDefault("blended=1")
    String split();

    /** The rules' parameters. */
    static RecommendationParams params(RecommendationConfig c) {
        return new RecommendationParams(c.historyHalfLife().toMillis(), c.popularityHalfLife().toMillis(),
                c.shopperItems(), c.segmentItems(), c.globalItems(), c.propensityPrior(), c.discoveryWeight(),
                c.viewWeight(), c.cartWeight(), c.clickWeight(), c.wishlistWeight(), c.conversionWindow().toMillis(),
                c.shownItems(), c.basketPairs(), c.coBoughtItems(), c.coBoughtSources(), c.coBoughtWeight());
    }

    /** The items kept out of the state. */
    static ItemFilter itemFilter(RecommendationConfig c) {
        return new ItemFilter(c.excludedItems().orElse(null));
    }

    /** The A/B split; fails with a message naming the key on an unknown strategy or a bad share. */
    static StrategySplit strategySplit(RecommendationConfig c) {
        Map<Strategy, Double> shares = new EnumMap<>(Strategy.class);
        for (String part : c.split().split(",")) {
            String[] kv = part.split("=", 2);
            String name = kv[0].trim();
            Strategy s = Strategy.parse(name).orElseThrow(() -> new IllegalArgumentException(
                    "shoal.recommendation.split: unknown strategy '" + name + "' in '" + c.split()
                            + "' (blended, segment, personal, global)"));
            try {
                shares.put(s, kv.length == 2 ? Double.parseDouble(kv[1].trim()) : Double.NaN);
            } catch (NumberFormatException e) {
                shares.put(s, Double.NaN);
            }
            if (shares.get(s).isNaN()) {
                throw new IllegalArgumentException("shoal.recommendation.split: '" + part.trim()
                        + "' must be strategy=share, e.g. blended=0.8,personal=0.2");
            }
        }
        return new StrategySplit(shares);
    }
}

package io.shoal.recommendation;

import java.util.Locale;
import java.util.Optional;

/** How a list of recommendations is made (see {@link Recommender} for each rule). */
public enum Strategy {
    /** Own history weighted by repurchase propensity, blended with what the shopper's segment buys. The default. */
    BLENDED,
    /** The shopper's segment's most popular items (global when the shopper has no segment). */
    SEGMENT,
    /** The shopper's own most bought items only. */
    PERSONAL,
    /** The most popular items of all shoppers. */
    GLOBAL;

    /** The name in URLs, JSON, config and metrics. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The strategy that made a list, from its recommendationId ({@code <strategy>-<random>}); empty if none. */
    public static Optional<Strategy> ofRecommendationId(String recommendationId) {
        int dash = recommendationId == null ? -1 : recommendationId.indexOf('-');
        return dash <= 0 || dash == recommendationId.length() - 1 ? Optional.empty()
                : parse(recommendationId.substring(0, dash));
    }

    /** Parses a wire name case-insensitively; empty when unknown. */
    public static Optional<Strategy> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String upper = value.trim().toUpperCase(Locale.ROOT);
        for (Strategy s : values()) {
            if (s.name().equals(upper)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}

package io.shoal.query;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A ranked list of items for one shopper.
 *
 * @param userId           the shopper
 * @param recommendationId names this list; send it back with the impression and click events of its items (it
 *                         carries the strategy: {@code <strategy>-<random>})
 * @param strategy         the strategy used: the one asked for, else the shopper's by the A/B split
 * @param segmentId        the shopper's segment, null without one
 * @param segmentLabel     its label, null without one
 * @param coldStart        true when Shoal does not know the shopper: the global list
 * @param generatedAt      when the list was made
 * @param items            best first
 */
@Schema(name = "RecommendationList")
public record RecommendationList(String userId, String recommendationId, String strategy, Long segmentId,
        String segmentLabel, boolean coldStart, Instant generatedAt, List<Item> items) {

    /**
     * @param itemId     the shop's item id; null for an item known only by its text
     * @param text       the item's text when known
     * @param score      the strategy's score, higher first (comparable within this list only)
     * @param reason     why, in a sentence
     * @param reasonKind bought_before, interested_before, popular_in_segment, popular_overall or cold_start
     */
    @Schema(name = "RecommendedItem")
    public record Item(String itemId, String text, double score, String reason, String reasonKind) {
    }
}

package io.shoal.recommendation;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * One recommended item.
 *
 * @param item   the item key ({@link ItemKey}): the shop's item id, or {@code t:} and the normalised text
 * @param text   the item's text when known, else null
 * @param score  the strategy's score (higher first; comparable only within one list)
 * @param reason why it is recommended
 */
public record Recommendation(String item, String text, double score, Reason reason) {

    /** The shop's item id, or null when the item is known only by its text. */
    public String itemId() {
        return item.startsWith("t:") ? null : item;
    }

    /** Why an item is on the list. */
    public enum Kind {
        /** The shopper bought it before. */
        BOUGHT_BEFORE,
        /** The shopper looked at, carted or clicked it but never bought it. */
        INTERESTED_BEFORE,
        /** Popular in the shopper's segment lately. */
        POPULAR_IN_SEGMENT,
        /** Often in the same basket as one of the shopper's own items. */
        BOUGHT_WITH,
        /** Popular with all shoppers lately. */
        POPULAR_OVERALL,
        /** Shoal does not know the shopper yet: popular with all shoppers. */
        COLD_START
    }

    /**
     * @param kind               which reason
     * @param purchases          BOUGHT_BEFORE: how often the shopper bought it
     * @param lastPurchaseMillis BOUGHT_BEFORE: when last
     * @param segmentId          POPULAR_IN_SEGMENT: the segment
     * @param segmentLabel       POPULAR_IN_SEGMENT: the segment's label, or null
     * @param perBasket          POPULAR_*: the item's decayed interactions per basket in that population;
     *                           BOUGHT_WITH: the share of the own item's baskets that also hold it
     * @param withItem           BOUGHT_WITH: the shopper's own item it is bought with
     * @param withText           BOUGHT_WITH: that item's text, or null
     */
    public record Reason(Kind kind, long purchases, long lastPurchaseMillis, Long segmentId, String segmentLabel,
            double perBasket, String withItem, String withText) {

        /** A sentence a person can read. */
        public String text() {
            return switch (kind) {
                case BOUGHT_BEFORE -> "you bought it " + (purchases == 1 ? "once" : purchases + " times")
                        + ", last on " + Instant.ofEpochMilli(lastPurchaseMillis).atOffset(ZoneOffset.UTC)
                                .toLocalDate();
                case INTERESTED_BEFORE -> "you looked at it before";
                case POPULAR_IN_SEGMENT -> "popular in your segment "
                        + (segmentLabel == null || segmentLabel.isBlank() ? Long.toString(segmentId)
                                : "'" + segmentLabel + "'")
                        + " lately" + share();
                case BOUGHT_WITH -> "often bought with '" + (withText == null || withText.isBlank()
                        ? (withItem.startsWith("t:") ? withItem.substring(2) : withItem) : withText) + "'"
                        + String.format(Locale.ROOT, " (in %.1f%% of its baskets)", 100 * Math.min(1, perBasket));
                case POPULAR_OVERALL -> "popular with all shoppers lately" + share();
                case COLD_START -> "new here: popular with all shoppers lately" + share();
            };
        }

        private String share() {
            return perBasket > 0 ? String.format(Locale.ROOT, " (in %.1f%% of baskets)", 100 * Math.min(1, perBasket))
                    : "";
        }
    }
}

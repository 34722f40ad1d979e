package io.shoal.recommendation;

/**
 * One shopper–item interaction the recommendation state learns from.
 *
 * @param userId      the shopper
 * @param kind        what the shopper did with the item
 * @param item        the item's key ({@link ItemKey#of})
 * @param text        the item's text, shown with recommendations; may be null
 * @param eventMillis when it happened
 * @param strategy    IMPRESSION and CLICK: the strategy of the list the item was shown in; null otherwise
 */
public record Interaction(String userId, Kind kind, String item, String text, long eventMillis, Strategy strategy) {

    /** An interaction that is not feedback on a recommendation. */
    public Interaction(String userId, Kind kind, String item, String text, long eventMillis) {
        this(userId, kind, item, text, eventMillis, null);
    }

    /** The interactions that carry an item. */
    public enum Kind {
        PURCHASE, CART, VIEW, CLICK, WISHLIST,
        /** The item was shown in a recommendation list: feedback only, no interest. */
        IMPRESSION
    }
}

package io.shoal.recommendation;

/**
 * One shopper–item interaction the recommendation state learns from.
 *
 * @param userId      the shopper
 * @param kind        what the shopper did with the item
 * @param item        the item's key ({@link ItemKey#of})
 * @param text        the item's text, shown with recommendations; may be null
 * @param eventMillis when it happened
 */
public record Interaction(String userId, Kind kind, String item, String text, long eventMillis) {

    /** The interactions that carry an item. */
    public enum Kind {
        PURCHASE, CART, VIEW, CLICK, WISHLIST
    }
}

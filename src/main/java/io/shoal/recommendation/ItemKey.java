package io.shoal.recommendation;

import java.util.Locale;

/**
 * The key that identifies an item in the recommendation state: the shop's {@code itemId} when the event has one,
 * else its text, lower-cased with runs of white space made one space (so "Red  Mug" and "red mug" are one item).
 */
public final class ItemKey {

    /** Longest key kept; longer texts are cut (the text itself is kept whole beside it). */
    public static final int MAX_LENGTH = 256;

    private ItemKey() {
    }

    /** @return the key, or null when the event names no item (neither id nor text, e.g. a search without text) */
    public static String of(String itemId, String text) {
        if (itemId != null && !itemId.isBlank()) {
            String id = itemId.trim();
            return id.length() > MAX_LENGTH ? id.substring(0, MAX_LENGTH) : id;
        }
        if (text == null || text.isBlank()) {
            return null;
        }
        String normal = text.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return "t:" + (normal.length() > MAX_LENGTH ? normal.substring(0, MAX_LENGTH) : normal);
    }
}

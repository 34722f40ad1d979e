package io.shoal.recommendation;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The key that identifies an item in the recommendation state: the shop's {@code itemId} when the event has one,
 * else {@code t:} and its text, lower-cased with runs of white space made one space (so "Red  Mug" and "red mug"
 * are one item). Control characters become spaces: no key holds a NUL (the Redis state keeps its own fields under
 * NUL-prefixed names beside the items).
 */
public final class ItemKey {

    /** Longest key kept; longer texts are cut (the text itself is kept whole beside it). */
    public static final int MAX_LENGTH = 256;

    // Compiled once: the key is taken for every event of every batch.
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Pattern SPACE_OR_CONTROL = Pattern.compile("[\\s\\p{Cntrl}]+");

    private ItemKey() {
    }

    /** @return the key, or null when the event names no item (neither id nor text, e.g. a search without text) */
    public static String of(String itemId, String text) {
        String id = itemId == null ? "" : CONTROL.matcher(itemId).replaceAll(" ").trim();
        if (!id.isEmpty()) {
            return cut(id);
        }
        String normal = text == null ? ""
                : SPACE_OR_CONTROL.matcher(text).replaceAll(" ").trim().toLowerCase(Locale.ROOT);
        return normal.isEmpty() ? null : "t:" + cut(normal);
    }

    private static String cut(String s) {
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
    }
}

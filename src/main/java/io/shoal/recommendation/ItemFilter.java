package io.shoal.recommendation;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which items the recommendation state learns, and so can ever recommend: every item except those whose key
 * ({@link ItemKey}: the shop's item id, else {@code t:} and the normalised text) matches a pattern. Shops log lines
 * that are not products (postage, fees, discounts, gift wrap) as items; left in, they top the popularity lists
 * ("POST" is among the most bought lines of Online Retail). An excluded interaction changes nothing in the
 * recommendation state (no own item, popularity, basket or co-purchase); it still counts for the shopper's segment.
 *
 * @param excluded the whole key must match ({@link java.util.regex.Matcher#matches()}); null: nothing is excluded
 */
public record ItemFilter(Pattern excluded) {

    /** Learns every item. */
    public static final ItemFilter NONE = new ItemFilter(null);

    /**
     * @param regex a Java regular expression the whole item key must match to be excluded; blank: none
     * @throws IllegalArgumentException naming the pattern and where it is wrong
     */
    public static ItemFilter excluding(String regex) {
        if (regex == null || regex.isBlank()) {
            return NONE;
        }
        try {
            return new ItemFilter(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + regex + "' is not a regular expression: "
                    + e.getDescription() + " near index " + e.getIndex(), e);
        }
    }

    /** Whether the state learns the item of this key (false for null: an interaction that names no item). */
    public boolean learns(String key) {
        return key != null && (excluded == null || !excluded.matcher(key).matches());
    }
}

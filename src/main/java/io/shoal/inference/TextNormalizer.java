package io.shoal.inference;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Canonical form of a text before it is cached and embedded: trimmed, runs of whitespace collapsed to one space, and
 * lower-cased for an uncased model. The tokenizer would produce the same tokens for every variant, so the variants
 * share one cache entry.
 */
public final class TextNormalizer {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final boolean lowerCase;

    public TextNormalizer(boolean lowerCase) {
        this.lowerCase = lowerCase;
    }

    /** The canonical form; {@code null} becomes the empty string. */
    public String normalise(String text) {
        if (text == null) {
            return "";
        }
        String collapsed = WHITESPACE.matcher(text.strip()).replaceAll(" ");
        return lowerCase ? collapsed.toLowerCase(Locale.ROOT) : collapsed;
    }
}

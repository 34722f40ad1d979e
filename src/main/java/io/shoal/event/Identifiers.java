package io.shoal.event;

/**
 * The one rule for what a client-given id (userId, eventId, itemId) and a free text may contain, used at the ingest
 * edge and by every query that takes an id, so that anything accepted can be stored in Redis keys and PostgreSQL
 * text columns unchanged and never collides with another value:
 * <ul>
 * <li>no control character (U+0000-U+001F, U+007F-U+009F) in an id; in a text only tab, line feed and carriage
 * return. PostgreSQL refuses NUL in text, and control characters in keys make logs and tools lie;</li>
 * <li>no unpaired UTF-16 surrogate: it has no UTF-8 form, so two different ids would become the same key bytes.</li>
 * </ul>
 * Ids that share a key layout cannot collide by construction: every Redis key namespace holds one key per id with
 * the id as its whole suffix, and composite keys length-prefix their first part (see io.shoal.store.RedisKeys).
 */
public final class Identifiers {

    /** The reserved prefix of the ids Shoal gives anonymous visitors ({@code anonymous:<anonymousId>}). */
    public static final String ANONYMOUS_PREFIX = "anonymous:";

    private Identifiers() {
    }

    /** Why {@code id} cannot be an id, or null when it can. */
    public static String idProblem(String id) {
        return problem(id, false);
    }

    /** Why {@code text} cannot be stored as a free text, or null when it can. */
    public static String textProblem(String text) {
        return problem(text, true);
    }

    private static String problem(String s, boolean text) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) && !(text && (c == '\t' || c == '\n' || c == '\r'))) {
                return String.format("must not contain control characters but has U+%04X at index %d", (int) c, i);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return String.format("must be valid Unicode but has an unpaired surrogate U+%04X at index %d", (int) c, i);
            }
            if (Character.isLowSurrogate(c)) {
                return String.format("must be valid Unicode but has an unpaired surrogate U+%04X at index %d", (int) c, i);
            }
        }
        return null;
    }
}

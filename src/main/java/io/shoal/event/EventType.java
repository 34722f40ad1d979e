package io.shoal.event;

import java.util.Locale;
import java.util.Optional;

/** The kinds of behaviour event Shoal understands. The wire name is the lower-case enum name. */
public enum EventType {
    VIEW(true),
    SEARCH(true),
    CART(true),
    PURCHASE(true),
    WISHLIST(false),
    REMOVE_FROM_CART(false),
    /**
     * Identity merge: the shopper {@code previousId} (e.g. an anonymous visitor) is the shopper {@code userId} from
     * now on. Carries no item; never a profile signal by itself (see io.shoal.segmenting.IdentityMergeStage).
     */
    IDENTIFY(false),
    /**
     * A recommended item was shown (one event per item, with the list's {@code recommendationId}). Feedback, not a
     * profile signal: being shown something says nothing about the shopper.
     */
    IMPRESSION(false),
    /** A recommended item was clicked (with the list's {@code recommendationId}): feedback and a profile signal. */
    CLICK(false);

    private final boolean textRequired;

    EventType(boolean textRequired) {
        this.textRequired = textRequired;
    }

    /** Whether an event of this type must carry item text (a title or a query) to be useful. */
    public boolean textRequired() {
        return textRequired;
    }

    /** Whether events of this type are behaviour (profile signals, activity counters), not identity changes. */
    public boolean behaviour() {
        return this != IDENTIFY;
    }

    /** Whether events of this type move the shopper's profile (behaviour, but not an impression). */
    public boolean profileSignal() {
        return behaviour() && this != IMPRESSION;
    }

    /** Whether events of this type are feedback on a recommendation and carry its {@code recommendationId}. */
    public boolean feedback() {
        return this == IMPRESSION || this == CLICK;
    }

    /** The name used in JSON, in config keys and in Redis. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name case-insensitively; empty when the name is unknown. */
    public static Optional<EventType> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String upper = value.trim().toUpperCase(Locale.ROOT);
        for (EventType t : values()) {
            if (t.name().equals(upper)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}

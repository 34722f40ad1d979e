package io.shoal.inference;

/**
 * What the sentence model embeds for an event: the one function the service ({@link EventEmbedder}) and the
 * evaluation both call, so they embed the same text for the same event.
 */
public final class ModelText {

    private ModelText() {
    }

    /** The item text, followed by {@code " (category)"} when the event has a category. */
    public static String document(String text, String category) {
        return hasText(category) ? text + " (" + category.strip() + ")" : text;
    }

    static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}

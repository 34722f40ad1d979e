package io.shoal.inference;

import io.shoal.event.BehaviorEvent;

/**
 * An event with the vector that places it in embedding space.
 *
 * @param event  the event as received
 * @param vector unit vector of its text, or of its item's last known text; null when it has neither
 */
public record EmbeddedEvent(BehaviorEvent event, float[] vector) {

    public boolean hasVector() {
        return vector != null;
    }
}

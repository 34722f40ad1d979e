package io.shoal.evaluation;

import io.shoal.event.EventType;

/**
 * One real event as the evaluation replays it: what the service would receive, reduced to what the segmentation and
 * the recommendation check need.
 *
 * @param userId      the shopper (Online Retail customer, Complete Journey household)
 * @param type        purchase, or remove_from_cart for a cancellation
 * @param itemId      the source's product code
 * @param text        the item text, normalised as the service normalises it before embedding
 * @param eventMillis event time, epoch millis
 */
public record EvaluationEvent(String userId, EventType type, String itemId, String text, long eventMillis) {

    /** Same event with another text (the drift stream re-labels events with another shopper's items). */
    public EvaluationEvent withItem(String otherItemId, String otherText) {
        return new EvaluationEvent(userId, type, otherItemId, otherText, eventMillis);
    }
}

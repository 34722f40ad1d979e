package io.shoal.replay;

import java.time.Instant;

import io.shoal.event.EventType;

/**
 * One event as the replay sends it to {@code POST /v1/events} (see README, Ingestion contract). Null fields are
 * left out of the JSON.
 *
 * @param eventId    deterministic idempotency key derived from the source line, so a second run is all duplicates
 * @param userId     the shopper (customer or household id)
 * @param type       what the shopper did
 * @param itemId     the source's product code
 * @param text       the item's title, or null when the source has none and the type allows it
 * @param category   optional item category
 * @param price      unit price, or null when unknown
 * @param quantity   units, or null when unknown
 * @param occurredAt when it happened, from the source's timestamp
 * @param recommendationId impressions and clicks the replay simulates: the list the item was shown in; else null
 */
public record ReplayEvent(
        String eventId,
        String userId,
        EventType type,
        String itemId,
        String text,
        String category,
        Double price,
        Integer quantity,
        Instant occurredAt,
        String recommendationId) {

    /** An event read from a dataset (not feedback on a recommendation). */
    public ReplayEvent(String eventId, String userId, EventType type, String itemId, String text, String category,
            Double price, Integer quantity, Instant occurredAt) {
        this(eventId, userId, type, itemId, text, category, price, quantity, occurredAt, null);
    }
}

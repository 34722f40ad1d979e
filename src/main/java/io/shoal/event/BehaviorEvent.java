package io.shoal.event;

import java.time.Instant;

/**
 * One validated behaviour event, as it travels from ingestion through the pipeline.
 *
 * @param eventId    idempotency key (given by the client or generated at acceptance)
 * @param userId     the shopper, 1..128 characters
 * @param type       what the shopper did
 * @param itemId     the item, when known
 * @param text       item title or search query; may be null only for types that do not require it
 * @param category   optional item category
 * @param price      optional unit price, >= 0
 * @param quantity   optional quantity
 * @param occurredAt event time (defaults to the receive time)
 * @param receivedAt when Shoal accepted it
 */
public record BehaviorEvent(
        String eventId,
        String userId,
        EventType type,
        String itemId,
        String text,
        String category,
        Double price,
        Integer quantity,
        Instant occurredAt,
        Instant receivedAt) {
}

package io.shoal.event;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

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
 * @param previousId {@link EventType#IDENTIFY} only: the shopper merged into {@code userId}; null otherwise
 * @param recommendationId {@link EventType#IMPRESSION} and {@link EventType#CLICK}: the recommendation list the item
 *                   was shown in ({@code <strategy>-<random>}, as the recommendation API names it); null otherwise
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
        Instant receivedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String previousId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String recommendationId) {

    /** A behaviour event (every type but {@link EventType#IDENTIFY}). */
    public BehaviorEvent(String eventId, String userId, EventType type, String itemId, String text, String category,
            Double price, Integer quantity, Instant occurredAt, Instant receivedAt) {
        this(eventId, userId, type, itemId, text, category, price, quantity, occurredAt, receivedAt, null, null);
    }

    /** A behaviour event or an identity merge (no recommendation). */
    public BehaviorEvent(String eventId, String userId, EventType type, String itemId, String text, String category,
            Double price, Integer quantity, Instant occurredAt, Instant receivedAt, String previousId) {
        this(eventId, userId, type, itemId, text, category, price, quantity, occurredAt, receivedAt, previousId, null);
    }

    /**
     * The shopper whose log order this event must keep: its Kafka key and the owner of its position. An identity
     * merge belongs to the shopper merged away, so that it is applied after that shopper's earlier events (one
     * partition) and before its later ones, which it redirects.
     */
    public String orderingKey() {
        return type == EventType.IDENTIFY ? previousId : userId;
    }
}

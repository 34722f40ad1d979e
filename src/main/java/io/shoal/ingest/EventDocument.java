package io.shoal.ingest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shape of one event, for the OpenAPI document only (parsing is done by {@link EventValidator}). */
@Schema(name = "Event", description = "One behaviour event; POST a single object or an array of them")
public record EventDocument(
        @Schema(description = "Idempotency key; generated when absent", maxLength = 128) String eventId,
        @Schema(required = true, minLength = 1, maxLength = 128) String userId,
        @Schema(required = true, enumeration = { "view", "search", "cart", "purchase", "wishlist",
                "remove_from_cart" }, description = "Case-insensitive") String type,
        @Schema(maxLength = 256) String itemId,
        @Schema(description = "Item title or search query; required for view, search, cart, purchase",
                maxLength = 2000) String text,
        @Schema(maxLength = 256) String category,
        @Schema(minimum = "0") Double price,
        Integer quantity,
        @Schema(description = "ISO-8601 instant; defaults to the receive time; at most 5 minutes in the future",
                example = "2026-11-28T10:15:30Z") String occurredAt) {
}

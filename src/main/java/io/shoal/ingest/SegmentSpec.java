package io.shoal.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.shoal.event.EventType;

/**
 * The Segment Spec (its HTTP Tracking API and the e-commerce events v2) mapped onto Shoal events. Pure: the mapped
 * events are plain Shoal event objects that then take the one ingestion path of {@code POST /v1/events}
 * (validation, deduplication, durability, admission), so nothing here decides whether an event is valid beyond
 * what the Spec itself requires (an identifier, a track's event name, a product's name).
 *
 * <h2>Shoppers</h2>
 * A message's shopper is its {@code userId}; without one, the anonymous shopper {@code anonymous:<anonymousId>}
 * ({@link EventValidator#ANONYMOUS_PREFIX}, a prefix no other client can use). A message that carries both ids links
 * them: besides what it maps to, it yields an {@code identify} event that merges the anonymous shopper into the
 * known one (once: the event id is derived from the pair, so the dedup window collapses repeats). {@code alias}
 * links {@code previousId} to {@code userId} whether the previous id was a user id or an anonymous id (both are
 * merged; a shopper that never existed merges as nothing and only redirects its later events).
 *
 * <h2>Events (e-commerce spec v2)</h2>
 * <table>
 * <caption>Track event names to Shoal events</caption>
 * <tr><th>Segment event</th><th>Shoal type</th><th>text</th></tr>
 * <tr><td>Products Searched</td><td>search</td><td>properties.query</td></tr>
 * <tr><td>Product Viewed, Product Clicked</td><td>view</td><td>properties.name</td></tr>
 * <tr><td>Product Added</td><td>cart</td><td>properties.name</td></tr>
 * <tr><td>Product Removed</td><td>remove_from_cart</td><td>properties.name (optional)</td></tr>
 * <tr><td>Product Added to Wishlist</td><td>wishlist</td><td>properties.name (optional)</td></tr>
 * <tr><td>Order Completed</td><td>purchase, one per properties.products[]</td><td>products[i].name</td></tr>
 * </table>
 * Product fields: {@code product_id} (else {@code sku}) → itemId, {@code category}, {@code price},
 * {@code quantity}. Names are matched ignoring case, surrounding blanks, and {@code _} for blanks
 * ({@code product_viewed}). Every other track event, and {@code page}, {@code screen}, {@code group} calls, are
 * accepted, counted as ignored, and never rejected.
 *
 * <h2>Ids and time</h2>
 * {@code messageId} is the idempotency key (the event id; for Order Completed {@code <messageId>:<i>} per product).
 * {@code timestamp} is the event time, corrected for the client's clock as Segment does when the client sent
 * {@code sentAt}: occurredAt = timestamp + (received − sentAt). Without a timestamp the event time is the receive
 * time.
 */
public final class SegmentSpec {

    /** Most bytes of one message (Segment's limit per call and per event of a batch). */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024;
    /** Most bytes of one batch request. */
    public static final int MAX_BATCH_BYTES = 500 * 1024;
    /** Longest anonymousId: the anonymous shopper's id, prefix included, must fit a user id. */
    public static final int MAX_ANONYMOUS_ID = EventValidator.MAX_USER_ID - EventValidator.ANONYMOUS_PREFIX.length();

    /** The Spec's calls, by their {@code type} field and endpoint name. */
    public enum Call {
        TRACK, IDENTIFY, ALIAS, PAGE, SCREEN, GROUP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Call> parse(String s) {
            for (Call c : values()) {
                if (c.wireName().equalsIgnoreCase(s.strip())) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    /** What a mapped message became. */
    public enum Outcome {
        /** It yielded Shoal events (behaviour or identity). */
        MAPPED,
        /** Accepted, counted, nothing to do (an event Shoal does not use, a page, an identify without ids to link). */
        IGNORED,
        /** It breaks the Spec (no identifier, no event name, ...): listed in the answer, naming the field. */
        REJECTED
    }

    /**
     * Where a mapped Shoal event came from, to name the Segment field when the ingestion path rejects it.
     *
     * @param message the message's index in the request
     * @param product the property path of the product ({@code properties} or {@code properties.products[i]})
     * @param search  whether the text came from {@code query}
     * @param anonymous whether the shopper is the anonymousId's
     * @param previous  the field an identity link's previous shopper came from ({@code anonymousId} or
     *                  {@code previousId})
     */
    public record Origin(int message, String product, boolean search, boolean anonymous, String previous) {

        /** The Segment field of a Shoal event field. */
        public String field(String shoalField) {
            return switch (shoalField) {
                case "userId" -> anonymous ? "anonymousId" : "userId";
                case "previousId" -> previous;
                case "eventId" -> "messageId";
                case "occurredAt" -> "timestamp";
                case "type" -> "event";
                case "text" -> product + (search ? ".query" : ".name");
                case "itemId" -> product + ".product_id";
                case "category", "price", "quantity" -> product + "." + shoalField;
                default -> shoalField;
            };
        }

        /** A rejection of the ingestion path, restated in the Segment message's terms. */
        public Rejection restate(Rejection r) {
            String field = field(r.field());
            String message = r.message().startsWith(r.field() + " ")
                    ? field + r.message().substring(r.field().length()) : r.message();
            return new Rejection(this.message, field, message);
        }
    }

    /**
     * A request mapped.
     *
     * @param events     Shoal event objects, for the ingestion path
     * @param origins    one per event, same order
     * @param outcomes   one per message, in request order
     * @param rejections the messages that break the Spec
     */
    public record Mapped(List<JsonNode> events, List<Origin> origins, List<Call> calls, List<Outcome> outcomes,
            List<Rejection> rejections) {

        public int count(Outcome o) {
            return (int) outcomes.stream().filter(o::equals).count();
        }
    }

    private static final Map<String, EventType> TRACKED = Map.of(
            "products searched", EventType.SEARCH,
            "product viewed", EventType.VIEW,
            "product clicked", EventType.VIEW,
            "product added", EventType.CART,
            "product removed", EventType.REMOVE_FROM_CART,
            "product added to wishlist", EventType.WISHLIST,
            "order completed", EventType.PURCHASE);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SegmentSpec() {
    }

    /**
     * Maps the messages of one request.
     *
     * @param messages the messages (a single call is a list of one)
     * @param implied  the call of a single-call endpoint ({@code /v1/track} ...), or null for {@code /v1/batch},
     *                 where each message names its {@code type}
     * @param sentAt   the request's {@code sentAt} (batch level), or null; a message's own wins
     * @param now      the receive time
     */
    public static Mapped map(List<JsonNode> messages, Call implied, JsonNode sentAt, Instant now) {
        List<JsonNode> events = new ArrayList<>();
        List<Origin> origins = new ArrayList<>();
        List<Call> calls = new ArrayList<>(messages.size());
        List<Outcome> outcomes = new ArrayList<>(messages.size());
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            int before = events.size();
            Message m = new Message(i, messages.get(i), sentAt, now, events, origins);
            Rejection problem = m.map(implied);
            calls.add(m.call);
            if (problem != null) {
                // A message is all or nothing: what it mapped before its fault is dropped with it.
                events.subList(before, events.size()).clear();
                origins.subList(before, origins.size()).clear();
                rejections.add(problem);
                outcomes.add(Outcome.REJECTED);
            } else {
                outcomes.add(events.size() > before ? Outcome.MAPPED : Outcome.IGNORED);
            }
        }
        return new Mapped(events, origins, calls, outcomes, rejections);
    }

    /** The track event names Shoal maps, normalised. */
    static Optional<EventType> tracked(String event) {
        String key = event.strip().replace('_', ' ').replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return Optional.ofNullable(TRACKED.get(key));
    }

    /** The event id of the link between two shoppers: stable, so the dedup window collapses repeats. */
    static String linkEventId(String previousId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(previousId.getBytes(StandardCharsets.UTF_8));
            return "link-" + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One message being mapped; {@link #map} answers the Spec problem, or null. */
    private static final class Message {
        private final int index;
        private final JsonNode node;
        private final JsonNode batchSentAt;
        private final Instant now;
        private final List<JsonNode> events;
        private final List<Origin> origins;
        private Call call;
        private String userId;
        private String anonymousId;
        private String occurredAt;

        Message(int index, JsonNode node, JsonNode batchSentAt, Instant now, List<JsonNode> events,
                List<Origin> origins) {
            this.index = index;
            this.node = node;
            this.batchSentAt = batchSentAt;
            this.now = now;
            this.events = events;
            this.origins = origins;
        }

        private Rejection reject(String field, String message) {
            return new Rejection(index, field, message);
        }

        Rejection map(Call implied) {
            if (node == null || !node.isObject()) {
                return reject("message", "a message must be a JSON object");
            }
            JsonNode type = node.get("type");
            if (implied != null) {
                call = implied;
            } else if (type == null || !type.isTextual() || Call.parse(type.textValue()).isEmpty()) {
                return reject("type", "type must be one of track, identify, alias, page, screen, group but was "
                        + (type == null ? "missing" : type.toString()));
            } else {
                call = Call.parse(type.textValue()).get();
            }
            userId = id("userId");
            anonymousId = id("anonymousId");
            if (userId != null && userId.startsWith(EventValidator.ANONYMOUS_PREFIX)) {
                return reject("userId", "userId must not start with '" + EventValidator.ANONYMOUS_PREFIX
                        + "' (reserved for anonymous shoppers)");
            }
            if (anonymousId != null && anonymousId.length() > MAX_ANONYMOUS_ID) {
                return reject("anonymousId", "anonymousId must be at most " + MAX_ANONYMOUS_ID
                        + " characters but had " + anonymousId.length());
            }
            if (call != Call.ALIAS && userId == null && anonymousId == null) {
                return reject("userId", "userId or anonymousId is required");
            }
            occurredAt = occurredAt();
            if (call != Call.ALIAS && userId != null && anonymousId != null) {
                link(EventValidator.ANONYMOUS_PREFIX + anonymousId, userId, "anonymousId");
            }
            return switch (call) {
                case TRACK -> track();
                case ALIAS -> alias();
                default -> null;
            };
        }

        /** An id field: a string, or a number as its decimal form (clients send numeric user ids); else null. */
        private String id(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isTextual()) {
                return v.textValue().isEmpty() ? null : v.textValue();
            }
            return v.isIntegralNumber() ? v.asText() : v.toString();
        }

        private String shopper() {
            return userId != null ? userId : EventValidator.ANONYMOUS_PREFIX + anonymousId;
        }

        private Rejection alias() {
            String previous = id("previousId");
            if (previous == null) {
                return reject("previousId", "previousId is required for alias");
            }
            if (userId == null) {
                return reject("userId", "userId is required for alias");
            }
            if (!previous.equals(userId)) {
                if (!previous.startsWith(EventValidator.ANONYMOUS_PREFIX)) {
                    link(previous, userId, "previousId");
                }
                if (previous.length() <= MAX_ANONYMOUS_ID) {
                    link(EventValidator.ANONYMOUS_PREFIX + previous, userId, "previousId");
                }
            }
            return null;
        }

        private void link(String previousId, String into, String previousField) {
            ObjectNode e = NODES.objectNode();
            e.put("eventId", linkEventId(previousId));
            e.put("userId", into);
            e.put("type", EventType.IDENTIFY.wireName());
            e.put("previousId", previousId);
            if (occurredAt != null) {
                e.put("occurredAt", occurredAt);
            }
            events.add(e);
            origins.add(new Origin(index, "properties", false, false, previousField));
        }

        private Rejection track() {
            JsonNode event = node.get("event");
            if (event == null || !event.isTextual() || event.textValue().isBlank()) {
                return reject("event", "event (the track call's name) is required");
            }
            Optional<EventType> type = tracked(event.textValue());
            if (type.isEmpty()) {
                return null;
            }
            JsonNode properties = node.path("properties");
            if (type.get() != EventType.PURCHASE) {
                return product(type.get(), properties, "properties", id("messageId"));
            }
            JsonNode products = properties.get("products");
            if (products == null || products.isNull()) {
                return null; // an order without line items says nothing about interests
            }
            if (!products.isArray()) {
                return reject("properties.products", "properties.products must be an array of products");
            }
            String messageId = id("messageId");
            for (int p = 0; p < products.size(); p++) {
                Rejection r = product(EventType.PURCHASE, products.get(p), "properties.products[" + p + "]",
                        messageId == null ? null : messageId + ":" + p);
                if (r != null) {
                    return r;
                }
            }
            return null;
        }

        private Rejection product(EventType type, JsonNode product, String path, String eventId) {
            if (!product.isObject() && !(product.isMissingNode() && type != EventType.PURCHASE)) {
                return reject(path, path + " must be an object");
            }
            boolean search = type == EventType.SEARCH;
            JsonNode text = product.get(search ? "query" : "name");
            if ((text == null || text.isNull()) && type.textRequired()) {
                return reject(path + (search ? ".query" : ".name"), path + (search ? ".query" : ".name")
                        + " is required for " + node.get("event").textValue());
            }
            ObjectNode e = NODES.objectNode();
            if (eventId != null) {
                e.put("eventId", eventId);
            }
            e.put("userId", shopper());
            e.put("type", type.wireName());
            copy(e, "text", text);
            if (!search) {
                JsonNode itemId = product.hasNonNull("product_id") ? product.get("product_id") : product.get("sku");
                copy(e, "itemId", itemId == null || !itemId.isIntegralNumber() ? itemId : NODES.textNode(itemId.asText()));
                copy(e, "category", product.get("category"));
                copy(e, "price", product.get("price"));
                copy(e, "quantity", product.get("quantity"));
            }
            if (occurredAt != null) {
                e.put("occurredAt", occurredAt);
            }
            events.add(e);
            origins.add(new Origin(index, path, search, userId == null, "previousId"));
            return null;
        }

        private static void copy(ObjectNode e, String field, JsonNode v) {
            if (v != null && !v.isNull()) {
                e.set(field, v);
            }
        }

        /**
         * The event time as an ISO instant, skew-corrected by sentAt; the raw value when it cannot be read (the
         * ingestion path then rejects it, naming {@code timestamp}); null without one.
         */
        private String occurredAt() {
            JsonNode ts = node.get("timestamp");
            if (ts == null || ts.isNull()) {
                return null;
            }
            Instant at = instant(ts);
            if (at == null) {
                return ts.isTextual() ? ts.textValue() : ts.toString();
            }
            JsonNode sent = node.hasNonNull("sentAt") ? node.get("sentAt") : batchSentAt;
            Instant sentAt = sent == null ? null : instant(sent);
            if (sentAt != null) {
                at = at.plus(Duration.between(sentAt, now));
            }
            return at.toString();
        }

        private static Instant instant(JsonNode v) {
            if (!v.isTextual()) {
                return null;
            }
            try {
                return OffsetDateTime.parse(v.textValue()).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }
}

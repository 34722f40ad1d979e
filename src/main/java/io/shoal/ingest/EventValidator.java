package io.shoal.ingest;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventType;
import io.shoal.recommendation.Strategy;
import io.shoal.event.Identifiers;

/**
 * Turns one JSON element of a request into a {@link BehaviorEvent}, or names every field that is wrong.
 * Pure: no I/O, the clock is passed in. Unknown fields are ignored, so clients may send more than Shoal reads.
 */
public final class EventValidator {

    static final int MAX_EVENT_ID = 128;
    static final int MAX_USER_ID = 128;
    static final int MAX_ITEM_ID = 256;
    static final int MAX_TEXT = 2_000;
    static final int MAX_CATEGORY = 256;

    private static final String TYPES = Arrays.stream(EventType.values()).map(EventType::wireName)
            .collect(Collectors.joining(", "));

    /**
     * The user-id prefix of shoppers known only by a tracking client's {@code anonymousId} (see SegmentSpec); other
     * clients cannot use it, so an anonymous shopper never shares a key with a known one.
     */
    public static final String ANONYMOUS_PREFIX = io.shoal.event.Identifiers.ANONYMOUS_PREFIX;

    private final Duration maxFutureSkew;
    private final Instant earliest;
    private final boolean anonymousIds;

    /**
     * @param maxFutureSkew how far after now an occurredAt may lie
     * @param earliest      the earliest occurredAt accepted (far older instants overflow epoch-millisecond math and
     *                      PostgreSQL's timestamp range, and no shop has such events)
     */
    public EventValidator(Duration maxFutureSkew, Instant earliest) {
        this(maxFutureSkew, earliest, false);
    }

    /**
     * @param anonymousIds whether user ids may carry {@link #ANONYMOUS_PREFIX} (only the events the Segment-compatible
     *                     endpoints build from an {@code anonymousId})
     */
    public EventValidator(Duration maxFutureSkew, Instant earliest, boolean anonymousIds) {
        this.maxFutureSkew = maxFutureSkew;
        this.earliest = earliest;
        this.anonymousIds = anonymousIds;
    }

    /** The outcome for one element: either an event or at least one rejection. */
    public record Result(BehaviorEvent event, List<Rejection> rejections, boolean idGenerated) {
        public boolean valid() {
            return event != null;
        }
    }

    public Result validate(JsonNode node, int index, Instant now) {
        if (node == null || !node.isObject()) {
            return new Result(null, List.of(new Rejection(index, "event",
                    "event must be a JSON object but was " + kind(node))), false);
        }
        List<Rejection> errors = new ArrayList<>(2);
        String eventId = optionalString(node, "eventId", MAX_EVENT_ID, true, index, errors);
        String userId = shopper(requiredString(node, "userId", MAX_USER_ID, index, errors), "userId", index, errors);
        EventType type = type(node, index, errors);
        if (type == EventType.IDENTIFY) {
            return identify(node, index, eventId, userId, now, errors);
        }
        String itemId = optionalString(node, "itemId", MAX_ITEM_ID, true, index, errors);
        String text = optionalString(node, "text", MAX_TEXT, false, index, errors);
        String category = optionalString(node, "category", MAX_CATEGORY, false, index, errors);
        Double price = price(node, index, errors);
        Integer quantity = quantity(node, index, errors);
        Instant occurredAt = occurredAt(node, index, now, errors);
        String recommendationId = type != null && type.feedback() ? recommendationId(node, type, index, errors) : null;

        if (type != null && type.textRequired() && text == null && !errors.stream().anyMatch(e -> e.field().equals("text"))) {
            errors.add(new Rejection(index, "text", "text is required for type " + type.wireName()));
        }
        if (type != null && !type.textRequired() && text == null && itemId == null
                && errors.stream().noneMatch(e -> e.field().equals("text") || e.field().equals("itemId"))) {
            errors.add(new Rejection(index, "itemId", "itemId or text is required for type " + type.wireName()));
        }
        if (!errors.isEmpty()) {
            return new Result(null, errors, false);
        }
        return new Result(new BehaviorEvent(eventId == null ? generatedId() : eventId, userId, type, itemId, text,
                category, price, quantity, occurredAt == null ? now : occurredAt, now, null, recommendationId),
                List.of(), eventId == null);
    }

    /**
     * The list an impression or click is about: required, as the recommendation API named it
     * ({@code <strategy>-<random>}), so that the feedback counts for the strategy that made the list.
     */
    private static String recommendationId(JsonNode node, EventType type, int index, List<Rejection> errors) {
        JsonNode v = node.get("recommendationId");
        if (v == null || v.isNull()) {
            errors.add(new Rejection(index, "recommendationId", "recommendationId is required for type "
                    + type.wireName() + " (the id of the recommendation list the item was shown in)"));
            return null;
        }
        String id = checkString(v, "recommendationId", MAX_EVENT_ID, true, index, errors);
        if (id != null && Strategy.ofRecommendationId(id).isEmpty()) {
            errors.add(new Rejection(index, "recommendationId", "recommendationId must be an id the recommendation"
                    + " API gave (<strategy>-<random>, e.g. blended-5f0c...) but was '" + id + "'"));
            return null;
        }
        return id;
    }

    /**
     * An identity merge: {@code previousId} (required, another shopper) becomes {@code userId}. Item fields are
     * ignored.
     */
    private Result identify(JsonNode node, int index, String eventId, String userId, Instant now,
            List<Rejection> errors) {
        String previousId = shopper(requiredString(node, "previousId", MAX_USER_ID, index, errors), "previousId",
                index, errors);
        Instant occurredAt = occurredAt(node, index, now, errors);
        if (previousId != null && previousId.equals(userId)) {
            errors.add(new Rejection(index, "previousId", "previousId must name another shopper than userId"));
        }
        if (!errors.isEmpty()) {
            return new Result(null, errors, false);
        }
        return new Result(new BehaviorEvent(eventId == null ? generatedId() : eventId, userId, EventType.IDENTIFY,
                null, null, null, null, null, occurredAt == null ? now : occurredAt, now, previousId), List.of(),
                eventId == null);
    }

    /** A shopper id: refuses the anonymous prefix where it is reserved. */
    private String shopper(String id, String field, int index, List<Rejection> errors) {
        if (id != null && !anonymousIds && id.startsWith(ANONYMOUS_PREFIX)) {
            errors.add(new Rejection(index, field, field + " must not start with '" + ANONYMOUS_PREFIX
                    + "' (reserved for the anonymous shoppers of the Segment-compatible endpoints)"));
            return null;
        }
        return id;
    }

    /** Ids the client did not give: random, so never equal to another event's. */
    static String generatedId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID(r.nextLong(), r.nextLong()).toString();
    }

    private static String requiredString(JsonNode node, String field, int max, int index, List<Rejection> errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            errors.add(new Rejection(index, field, field + " is required"));
            return null;
        }
        return checkString(v, field, max, true, index, errors);
    }

    private static String optionalString(JsonNode node, String field, int max, boolean id, int index,
            List<Rejection> errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return checkString(v, field, max, id, index, errors);
    }

    /** @param id whether the value is an id (the stricter rule of {@link Identifiers}) or a free text */
    private static String checkString(JsonNode v, String field, int max, boolean id, int index,
            List<Rejection> errors) {
        if (!v.isTextual()) {
            errors.add(new Rejection(index, field, field + " must be a string but was " + kind(v)));
            return null;
        }
        String s = v.textValue();
        if (s.isBlank()) {
            errors.add(new Rejection(index, field, field + " must not be blank"));
            return null;
        }
        if (s.length() > max) {
            errors.add(new Rejection(index, field,
                    field + " must be at most " + max + " characters but had " + s.length()));
            return null;
        }
        String problem = id ? Identifiers.idProblem(s) : Identifiers.textProblem(s);
        if (problem != null) {
            errors.add(new Rejection(index, field, field + " " + problem));
            return null;
        }
        return s;
    }

    private static EventType type(JsonNode node, int index, List<Rejection> errors) {
        JsonNode v = node.get("type");
        if (v == null || v.isNull()) {
            errors.add(new Rejection(index, "type", "type is required (one of " + TYPES + ")"));
            return null;
        }
        Optional<EventType> t = v.isTextual() ? EventType.parse(v.textValue()) : Optional.empty();
        if (t.isEmpty()) {
            errors.add(new Rejection(index, "type", "type must be one of " + TYPES + " but was " + shown(v)));
            return null;
        }
        return t.get();
    }

    private static Double price(JsonNode node, int index, List<Rejection> errors) {
        JsonNode v = node.get("price");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() < 0) {
            errors.add(new Rejection(index, "price", "price must be a number >= 0 but was " + shown(v)));
            return null;
        }
        return v.doubleValue();
    }

    private static Integer quantity(JsonNode node, int index, List<Rejection> errors) {
        JsonNode v = node.get("quantity");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            errors.add(new Rejection(index, "quantity", "quantity must be an integer but was " + shown(v)));
            return null;
        }
        return v.intValue();
    }

    private Instant occurredAt(JsonNode node, int index, Instant now, List<Rejection> errors) {
        JsonNode v = node.get("occurredAt");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new Rejection(index, "occurredAt",
                    "occurredAt must be an ISO-8601 instant such as 2026-11-28T10:15:30Z but was " + shown(v)));
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(v.textValue());
        } catch (DateTimeParseException e) {
            errors.add(new Rejection(index, "occurredAt",
                    "occurredAt must be an ISO-8601 instant such as 2026-11-28T10:15:30Z but was " + shown(v)));
            return null;
        }
        if (at.isBefore(earliest)) {
            errors.add(new Rejection(index, "occurredAt", "occurredAt must not be before " + earliest
                    + " (shoal.ingest.earliest-occurred-at) but was " + v.textValue()));
            return null;
        }
        if (at.isAfter(now.plus(maxFutureSkew))) {
            errors.add(new Rejection(index, "occurredAt", "occurredAt must not be more than "
                    + maxFutureSkew.toMinutes() + " min in the future but was " + v.textValue()));
            return null;
        }
        return at;
    }

    private static String kind(JsonNode v) {
        if (v == null || v.isNull()) {
            return "null";
        }
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            default -> v.getNodeType().name().toLowerCase();
        };
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}

package io.shoal.replay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The service's final answer to one batch, read from a 2xx or 4xx response. The body is
 * {@code {"accepted", "duplicates", "rejected": [{"index", "field", "message"}]}} for 202 and 400; other 4xx
 * (413, 404, ...) reject the whole batch. Every event is accepted, a duplicate, or rejected, so the rejected count
 * is what is left; the messages name the event id.
 *
 * @param accepted   events the service took
 * @param duplicates events it had already seen
 * @param rejected   events it refused
 * @param messages   the first few rejections, e.g. {@code or-12-0a1b2c3d: price: price must be a number >= 0 ...}
 */
record IngestAnswer(int accepted, int duplicates, int rejected, List<String> messages) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN_BODY = 200;

    static IngestAnswer parse(int status, String body, List<ReplayEvent> batch) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !root.has("accepted")) {
            if (status / 100 == 2) {
                throw new ReplayFailedException("HTTP " + status + " without an ingestion answer: " + shown(body),
                        null);
            }
            String error = root != null && root.hasNonNull("error") ? root.get("error").asText() : shown(body);
            return new IngestAnswer(0, 0, batch.size(), List.of("HTTP " + status + ": " + error));
        }
        int accepted = root.path("accepted").asInt();
        int duplicates = root.path("duplicates").asInt();
        List<String> messages = new ArrayList<>();
        for (JsonNode r : root.path("rejected")) {
            int index = r.path("index").asInt(-1);
            String who = index >= 0 && index < batch.size() ? batch.get(index).eventId() : "request";
            if (messages.size() < ReplayStats.KEPT_MESSAGES) {
                messages.add(who + ": " + r.path("field").asText() + ": " + r.path("message").asText());
            }
        }
        int rejected = Math.max(0, batch.size() - accepted - duplicates);
        return new IngestAnswer(accepted, duplicates, rejected, messages);
    }

    private static String shown(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() <= SHOWN_BODY ? flat : flat.substring(0, SHOWN_BODY) + "...";
    }
}

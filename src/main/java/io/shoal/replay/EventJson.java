package io.shoal.replay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** Writes a batch as the JSON array {@code POST /v1/events} takes; null fields are left out. */
final class EventJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private EventJson() {
    }

    static byte[] write(List<ReplayEvent> batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * batch.size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartArray();
            for (ReplayEvent e : batch) {
                g.writeStartObject();
                g.writeStringField("eventId", e.eventId());
                g.writeStringField("userId", e.userId());
                g.writeStringField("type", e.type().wireName());
                optional(g, "itemId", e.itemId());
                optional(g, "recommendationId", e.recommendationId());
                optional(g, "text", e.text());
                optional(g, "category", e.category());
                if (e.price() != null) {
                    g.writeNumberField("price", e.price());
                }
                if (e.quantity() != null) {
                    g.writeNumberField("quantity", e.quantity());
                }
                if (e.occurredAt() != null) {
                    g.writeStringField("occurredAt", e.occurredAt().toString());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}

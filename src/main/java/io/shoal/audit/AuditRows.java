package io.shoal.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The wire form of audit rows in the audit outbox (a Redis Stream written by the apply and sweep scripts): a JSON
 * object per {@link SegmentMove}, with the instant as epoch milliseconds and non-finite scores as null. One format,
 * written by the segment writer and the sweeper, read by the {@link AuditRelay}.
 */
public final class AuditRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditRows() {
    }

    /** One row as a JSON object. */
    public static String row(SegmentMove m) {
        return node(m).toString();
    }

    /** Rows as a JSON array; "" for none (the scripts then append nothing). */
    public static String rows(List<SegmentMove> moves) {
        if (moves.isEmpty()) {
            return "";
        }
        ArrayNode a = JSON.createArrayNode();
        moves.forEach(m -> a.add(node(m)));
        return a.toString();
    }

    /** Parses {@link #rows}. */
    public static List<SegmentMove> parse(String json) {
        try {
            JsonNode a = JSON.readTree(json);
            List<SegmentMove> out = new ArrayList<>(a.size());
            for (JsonNode n : a) {
                out.add(new SegmentMove(n.get("u").textValue(), n.get("f").isNull() ? null : n.get("f").longValue(),
                        n.get("t").longValue(), Instant.ofEpochMilli(n.get("at").longValue()), n.get("v").longValue(),
                        score(n.get("d")), score(n.get("m")), n.get("r").textValue()));
            }
            return out;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not audit rows: " + e.getMessage(), e);
        }
    }

    /**
     * A merge's link row (written by io.shoal.segmenting.IdentityMergeStage: p previous id, u user id, at epoch
     * millis, s the previous shopper's segment or null, v model version).
     */
    public record IdentityLink(String previousId, String userId, Instant linkedAt, Long previousSegment,
            long modelVersion) {
    }

    /** A link row as the merge script appends it to the outbox. */
    public static String linkRow(IdentityLink l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("p", l.previousId());
        o.put("u", l.userId());
        o.put("at", l.linkedAt().toEpochMilli());
        if (l.previousSegment() == null) {
            o.putNull("s");
        } else {
            o.put("s", l.previousSegment());
        }
        o.put("v", l.modelVersion());
        return o.toString();
    }

    /** Parses {@link #linkRow}. */
    public static IdentityLink parseLink(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new IdentityLink(n.get("p").textValue(), n.get("u").textValue(),
                    Instant.ofEpochMilli(n.get("at").longValue()), n.get("s").isNull() ? null : n.get("s").longValue(),
                    n.get("v").longValue());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not an identity link row: " + e.getMessage(), e);
        }
    }

    private static ObjectNode node(SegmentMove m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("u", m.userId());
        if (m.fromSegment() == null) {
            o.putNull("f");
        } else {
            o.put("f", m.fromSegment());
        }
        o.put("t", m.toSegment());
        o.put("at", m.changedAt().toEpochMilli());
        o.put("v", m.modelVersion());
        putScore(o, "d", m.distance());
        putScore(o, "m", m.margin());
        o.put("r", m.reason());
        return o;
    }

    private static void putScore(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    private static double score(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.doubleValue();
    }
}

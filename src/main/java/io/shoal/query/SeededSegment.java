package io.shoal.query;

import java.time.Instant;
import java.util.List;

/**
 * A segment seeded from examples, as {@code /v1/segments/seeded} answers it.
 *
 * @param members   shoppers in the segment now
 * @param examples  example texts and shoppers it was seeded from
 * @param kept      examples whose nearest segment is this one now
 * @param precision of all seeds' examples nearest to this segment, the share that are this seed's (null: none)
 * @param recall    kept / examples
 */
public record SeededSegment(long segmentId, String label, List<String> texts, List<String> userIds, Instant created,
        long members, int examples, int kept, Double precision, double recall) {

    /**
     * A request to seed a segment.
     *
     * @param label   the segment's name (1..80 characters)
     * @param texts   example item texts (up to 200)
     * @param userIds example shoppers with a profile (up to 200)
     */
    public record Request(String label, List<String> texts, List<String> userIds) {
    }
}

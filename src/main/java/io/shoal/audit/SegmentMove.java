package io.shoal.audit;

import java.time.Instant;

/**
 * A change of a user's segment, to be recorded in {@code segment_history}.
 *
 * @param fromSegment null on first assignment
 * @param distance    cosine distance (1 - similarity) to the new segment, or 1 - posterior for the GMM
 * @param reason      assigned, moved or segment_retired
 */
public record SegmentMove(String userId, Long fromSegment, long toSegment, Instant changedAt, long modelVersion,
        double distance, double margin, String reason) {
}

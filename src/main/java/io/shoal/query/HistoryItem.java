package io.shoal.query;

import java.time.Instant;

/**
 * One change of a user's segment, from the audit trail.
 *
 * @param fromSegment  segment left, null on first assignment
 * @param toSegment    segment entered
 * @param changedAt    event time of the change
 * @param modelVersion model version under which it was decided
 * @param distance     cosine distance to the new segment's centroid
 * @param margin       similarity margin of the new segment over the runner-up
 * @param reason       assigned, moved or segment_retired
 */
public record HistoryItem(Long fromSegment, long toSegment, Instant changedAt, long modelVersion, Double distance,
        Double margin, String reason) {
}

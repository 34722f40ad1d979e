package io.shoal.event;

import java.time.Instant;

/**
 * One user entering or leaving a segment, as published on the {@value Channels#SEGMENT_CHANGES} channel. A move
 * from A to B is two events: EXITED A (other = B) and ENTERED B (other = A); a first assignment is one ENTERED.
 *
 * @param kind           entered or exited
 * @param segmentId      the segment entered or exited
 * @param userId         the user
 * @param otherSegmentId the segment on the other side of the move, null on first assignment
 * @param at             event time of the change
 * @param modelVersion   model version under which it was decided
 * @param reason         assigned, moved or segment_retired
 * @param similarity     score of the new segment
 * @param margin         margin of the new segment over the runner-up (or over the segment left)
 */
public record SegmentChangeEvent(Kind kind, long segmentId, String userId, Long otherSegmentId, Instant at,
        long modelVersion, String reason, double similarity, double margin) {

    public enum Kind {
        ENTERED, EXITED,
        /**
         * A refit's lineage transition (no user): reason survived, split, merged, born or died; segmentId the segment
         * after (the one that ended for died), otherSegmentId the one before (null for born), similarity the member
         * overlap (NaN when none applies).
         */
        LINEAGE
    }
}

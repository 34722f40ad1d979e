package io.shoal.query;

import java.time.Instant;
import java.util.List;

/**
 * A user's current segment, as the query API returns it.
 *
 * @param userId       the user
 * @param segmentId    the segment
 * @param segmentLabel readable label derived from the segment's nearest item texts
 * @param distance     cosine distance to the segment's centroid at the last decision (1 - similarity), null if
 *                     not recorded
 * @param margin       similarity margin of the segment over the runner-up at the last decision, null if not
 *                     recorded
 * @param since        event time at which the user entered the segment
 * @param modelVersion model version under which the user was last placed
 * @param memberships  GMM only: top soft memberships, most probable first (empty for k-means)
 */
public record Assignment(String userId, long segmentId, String segmentLabel, Double distance, Double margin,
        Instant since, long modelVersion, List<SoftMembership> memberships) {
}

package io.shoal.query;

import java.time.Instant;

/**
 * The segment a user was in at a given instant.
 *
 * @param segmentId    the segment
 * @param modelVersion model version under which the user was placed there
 * @param since        when the user entered it
 */
public record SegmentInForce(long segmentId, long modelVersion, Instant since) {
}

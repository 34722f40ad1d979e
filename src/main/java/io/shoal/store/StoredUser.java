package io.shoal.store;

import io.shoal.segmentation.UserProfile;

/**
 * A user's segmentation state in Redis.
 *
 * @param profile      decayed profile (null before the first event with text)
 * @param segmentId    current segment, null before the first assignment
 * @param sinceMillis  event time the user entered the segment
 * @param similarity   score of the segment at the last decision
 * @param margin       margin of the segment over the runner-up at the last decision
 * @param modelVersion model version of the last change
 * @param memberships  GMM only: the top memberships as "segmentId:probability" pairs, comma separated
 */
public record StoredUser(UserProfile profile, Long segmentId, long sinceMillis, double similarity, double margin,
        long modelVersion, String memberships) {
}

package io.shoal.query;

import java.time.Instant;
import java.util.List;

/**
 * Why a shopper is in their segment (GET /v1/users/{userId}/explanation, gRPC Explain).
 *
 * @param userId        the shopper as stored (the keyed hash when ids are pseudonymised)
 * @param segment       the current segment, with its similarity to the profile now
 * @param runnerUp      the next most similar segment now, null with a single segment
 * @param margin        similarity of the current segment minus the runner-up's, now (from the profile and the model
 *                      at hand; {@code decisionMargin} is the one recorded when the shopper was last placed)
 * @param decisionMargin the margin recorded at the last decision, null if none was recorded
 * @param modelVersion  the model version the similarities were computed with
 * @param topItems      the shopper's items that pull most toward the segment
 * @param lastMove      the last change of segment, null when the audit trail has none
 * @param profileWeight the decayed event weight behind the profile
 */
public record Explanation(String userId, Scored segment, Scored runnerUp, Double margin, Double decisionMargin,
        long modelVersion, List<ItemPull> topItems, Move lastMove, double profileWeight) {

    /** A segment, its label and its cosine similarity to the shopper's profile (null: retired a moment ago). */
    public record Scored(long segmentId, String label, Double similarity) {
    }

    /**
     * One of the shopper's items and its pull toward the segment.
     *
     * @param weight       the item's decayed weight (interactions weighted by kind, halved per history half-life)
     * @param similarity   cosine similarity of the item's vector to the segment's centroid
     * @param contribution weight × similarity
     * @param share        contribution over the sum of the positive contributions
     */
    public record ItemPull(String itemId, String text, double weight, double similarity, double contribution,
            double share) {
    }

    /**
     * The last move.
     *
     * @param reason       as audited: assigned, moved, segment_retired, refit, rescue, seeded, identity-merge
     * @param cause        behaviour (the shopper's own events), refit, rescue, seeded, retired or identity-merge
     * @param previousAt   when the decision before it was made, null when this was the first
     * @param events       the shopper's interactions after the previous decision up to the move (newest first;
     *                     from the recent interactions kept, so possibly fewer than there were)
     */
    public record Move(Long fromSegment, long toSegment, Instant at, String reason, String cause, long modelVersion,
            Instant previousAt, List<Event> events) {
    }

    /** One interaction of the shopper. */
    public record Event(Instant at, String type, String itemId, String text) {
    }
}

package io.shoal.segmentation;

/**
 * Anti-flapping hysteresis for segment membership: a user in segment A moves to the best segment B only when B is
 * clearly better and the user has stayed in A long enough.
 *
 * <h2>Rule</h2>
 * With scores s (cosine similarities for k-means, posteriors for the GMM) and B = argmax s:
 * <ul>
 * <li>no current segment: B, reason {@code ASSIGNED};</li>
 * <li>A retired (no longer a slot): B, reason {@code SEGMENT_RETIRED};</li>
 * <li>B = A: A, reason {@code STAYED};</li>
 * <li>s_B - s_A ≥ margin and now - since ≥ minDwellMillis: B, reason {@code MOVED};</li>
 * <li>otherwise: A, reason {@code SUPPRESSED} (a move the hysteresis held back; callers count these).</li>
 * </ul>
 * Times are event times in epoch millis; a "now" before "since" (out-of-order events) counts as zero dwell.
 *
 * <h2>Boundary values</h2>
 * margin = 0 and minDwellMillis = 0 turn the policy off (always the best segment); a margin above the score range
 * (2 for cosines, 1 for posteriors) freezes users in their segment until it is retired.
 */
public final class AssignmentPolicy {

    private final double margin;
    private final long minDwellMillis;

    /**
     * @param margin the score gain a move needs; ≥ 0
     * @param minDwellMillis the event-time a user stays in a segment before moving; ≥ 0
     */
    public AssignmentPolicy(double margin, long minDwellMillis) {
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be finite and >= 0 but was " + margin);
        }
        if (minDwellMillis < 0) {
            throw new IllegalArgumentException("minDwellMillis must be >= 0 but was " + minDwellMillis);
        }
        this.margin = margin;
        this.minDwellMillis = minDwellMillis;
    }

    /** Why a decision came out as it did. */
    public enum Reason {
        /** First assignment of the user: the best segment. */
        ASSIGNED,
        /** Moved to a better segment past margin and dwell. */
        MOVED,
        /** The user's segment was retired: moved to the best segment. */
        SEGMENT_RETIRED,
        /** The current segment is still the best. */
        STAYED,
        /** A better segment exists but margin or dwell held the user back. */
        SUPPRESSED
    }

    /**
     * The outcome for one user.
     *
     * @param segment the slot the user is in after the decision
     * @param reason why
     * @param similarity the score of that slot
     * @param margin the score of that slot minus a reference score: for MOVED the segment left; for SUPPRESSED the
     *        better segment not moved to (so it is negative); otherwise the best other slot (the runner-up), or the
     *        score itself when there is only one slot
     */
    public record Decision(int segment, Reason reason, double similarity, double margin) {

        /** Whether the segment changed (or was set for the first time). */
        public boolean changed() {
            return reason == Reason.ASSIGNED || reason == Reason.MOVED || reason == Reason.SEGMENT_RETIRED;
        }

        public boolean suppressed() {
            return reason == Reason.SUPPRESSED;
        }
    }

    /**
     * Decides by slot.
     *
     * @param currentSlot the user's slot, or -1 when the user has none or its segment was retired
     * @param currentRetired whether the user had a segment that was retired (then {@code currentSlot} is ignored)
     * @param sinceMillis event time the user entered the current segment
     * @param scores score per slot; non-empty
     * @param nowMillis event time of the decision
     */
    public Decision decide(int currentSlot, boolean currentRetired, long sinceMillis, double[] scores,
            long nowMillis) {
        if (scores == null || scores.length == 0) {
            throw new IllegalArgumentException("scores must be non-empty");
        }
        if (!currentRetired && currentSlot >= scores.length) {
            throw new IllegalArgumentException(
                    "currentSlot must be < " + scores.length + " (the number of slots) but was " + currentSlot);
        }
        int best = 0;
        for (int k = 1; k < scores.length; k++) {
            if (scores[k] > scores[best]) {
                best = k;
            }
        }
        if (currentRetired) {
            return new Decision(best, Reason.SEGMENT_RETIRED, scores[best], gapToRunnerUp(scores, best));
        }
        if (currentSlot < 0) {
            return new Decision(best, Reason.ASSIGNED, scores[best], gapToRunnerUp(scores, best));
        }
        if (best == currentSlot) {
            return new Decision(best, Reason.STAYED, scores[best], gapToRunnerUp(scores, best));
        }
        double gain = scores[best] - scores[currentSlot];
        long dwell = Math.max(0, nowMillis - sinceMillis);
        if (gain >= margin && dwell >= minDwellMillis) {
            return new Decision(best, Reason.MOVED, scores[best], gain);
        }
        return new Decision(currentSlot, Reason.SUPPRESSED, scores[currentSlot], -gain);
    }

    /**
     * Decides by stable segment id against a k-means state: a current id that is no longer in
     * {@code state.segmentIds()} counts as retired.
     *
     * @param currentSegmentId the user's segment id, or {@code null} for a new user
     */
    public Decision decide(Long currentSegmentId, long sinceMillis, KMeansState state, double[] scores,
            long nowMillis) {
        if (scores == null || scores.length != state.k()) {
            throw new IllegalArgumentException("scores must have one entry per segment (" + state.k() + ")");
        }
        if (currentSegmentId == null) {
            return decide(-1, false, sinceMillis, scores, nowMillis);
        }
        int slot = state.slotOf(currentSegmentId);
        return decide(slot, slot < 0, sinceMillis, scores, nowMillis);
    }

    private static double gapToRunnerUp(double[] scores, int best) {
        double runnerUp = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < scores.length; k++) {
            if (k != best && scores[k] > runnerUp) {
                runnerUp = scores[k];
            }
        }
        return runnerUp == Double.NEGATIVE_INFINITY ? scores[best] : scores[best] - runnerUp;
    }
}

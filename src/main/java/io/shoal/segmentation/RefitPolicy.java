package io.shoal.segmentation;

/**
 * When the live model is refit toward the batch optimum, and how a refit chooses between staying close to the live
 * model and a fresh fit.
 *
 * <h2>Triggers ({@link #due}), checked by a driver after every applied batch</h2>
 * <ol>
 * <li><b>Growth</b>: P ≥ g·P_fit or E ≥ g·E_fit, where P is the number of shoppers with a profile now, E the
 * evidence behind the model ({@link SegmentModel#points}: the seeding sample plus every member profile folded since),
 * and P_fit, E_fit their values at the last growth or age refit (or the seed). A young model is so refit at g, g²,
 * g³... times the bootstrap size: the seed is drawn from young, sparse profiles and merges groups that later data
 * separates, whether the later data brings new shoppers (P) or more events of the same ones (E).</li>
 * <li><b>Age</b>: the driver's clock passed the last fit by {@code maxAgeMillis} (0: never). The service's clock is
 * wall time; the in-memory driver's clock is event time.</li>
 * <li><b>Check</b>: {@code checkEveryPoints} profiles were folded into the model since the last check. A check is
 * cheap: the live model's cost on the sample, each sampled shopper scored against the segment they are actually in
 * (so stale assignments count), is compared with the cost of a warm fit (spherical Lloyd from the live centroids);
 * when {@link #drifted live} &gt; (1 + {@code driftMargin})·fit, the check becomes a refit. Otherwise dead segments are
 * rescued ({@link SegmentRescue}) and nothing else changes.</li>
 * </ol>
 *
 * <h2>A refit ({@link SegmentRefit})</h2>
 * The warm fit competes with {@code seedingRestarts} fresh k-means++ fits on the sample; the fresh one wins only when
 * its cost is lower by more than {@code freshFitGain} (a share of the warm cost), so the model does not hop between
 * local optima of nearly equal cost (two batch fits of Online Retail agree only at ARI ~0.49). Centroids are matched
 * to the current ids by optimal assignment on cosine similarity; a pair below {@code minMatchSimilarity} is no match
 * (the old segment ends, the new one is born).
 *
 * <h2>Boundary values</h2>
 * growthFactor = +∞ and maxAgeMillis = 0 and checkEveryPoints = 0 turn refits off (the Spark-style baseline);
 * driftMargin = 0 refits at every check whose warm fit is any better; freshFitGain = 0 takes the best cost always,
 * 1 never leaves the warm fit; minMatchSimilarity = -1 matches every pair.
 *
 * @param growthFactor     g &gt; 1, or +∞ for no growth trigger
 * @param checkEveryPoints profiles folded between drift checks; 0 = never check
 * @param driftMargin      relative excess cost that makes a check a refit; ≥ 0
 * @param maxAgeMillis     time cap between fits; 0 = none
 * @param freshFitGain     relative cost gain a fresh fit needs over the warm fit; in [0, 1]
 * @param minMatchSimilarity cosine below which a matched pair of centroids is not the same segment; in [-1, 1]
 */
public record RefitPolicy(double growthFactor, long checkEveryPoints, double driftMargin, long maxAgeMillis,
        double freshFitGain, double minMatchSimilarity) {

    /** What a driver should do after a batch. */
    public enum Trigger {
        /** Nothing is due. */
        NONE,
        /** A drift check (which may become a refit or a rescue). */
        CHECK,
        /** A refit because the number of profiled shoppers grew by the growth factor. */
        GROWTH,
        /** A refit because the last fit is older than the time cap. */
        AGE,
        /** A refit an operator asked for ({@code POST /v1/model/refit}). */
        MANUAL;

        public boolean refit() {
            return this == GROWTH || this == AGE || this == MANUAL;
        }
    }

    public RefitPolicy {
        if (!(growthFactor > 1)) {
            throw new IllegalArgumentException("growthFactor must be > 1 (or +Infinity) but was " + growthFactor);
        }
        if (checkEveryPoints < 0) {
            throw new IllegalArgumentException("checkEveryPoints must be >= 0 but was " + checkEveryPoints);
        }
        if (!(driftMargin >= 0) || Double.isInfinite(driftMargin)) {
            throw new IllegalArgumentException("driftMargin must be finite and >= 0 but was " + driftMargin);
        }
        if (maxAgeMillis < 0) {
            throw new IllegalArgumentException("maxAgeMillis must be >= 0 but was " + maxAgeMillis);
        }
        if (!(freshFitGain >= 0 && freshFitGain <= 1)) {
            throw new IllegalArgumentException("freshFitGain must be in [0, 1] but was " + freshFitGain);
        }
        if (!(minMatchSimilarity >= -1 && minMatchSimilarity <= 1)) {
            throw new IllegalArgumentException("minMatchSimilarity must be in [-1, 1] but was " + minMatchSimilarity);
        }
    }

    /** No refits and no checks: the model only follows the per-batch rule. */
    public static RefitPolicy never() {
        return new RefitPolicy(Double.POSITIVE_INFINITY, 0, 0, 0, 0, -1);
    }

    /**
     * @param model          the live model (its fit generation, P_fit and fit time)
     * @param profiled       P, shoppers with a profile now
     * @param pointsSinceCheck profiles folded since the last check (or fit)
     * @param nowMillis      the driver's clock
     */
    public Trigger due(SegmentModel model, long profiled, long pointsSinceCheck, long nowMillis) {
        if (Double.isFinite(growthFactor) && (profiled >= growthFactor * Math.max(1, model.fittedProfiles())
                || model.points() >= growthFactor * Math.max(1, model.fittedPoints()))) {
            return Trigger.GROWTH;
        }
        if (maxAgeMillis > 0 && nowMillis - model.fittedAtMillis() >= maxAgeMillis) {
            return Trigger.AGE;
        }
        if (checkEveryPoints > 0 && pointsSinceCheck >= checkEveryPoints) {
            return Trigger.CHECK;
        }
        return Trigger.NONE;
    }

    /** Whether the live cost exceeds a fit's cost by more than the drift margin. */
    public boolean drifted(double liveCost, double fitCost) {
        return liveCost > (1 + driftMargin) * Math.max(fitCost, 1e-12);
    }

    /** Whether a fresh fit beats the warm one by more than {@code freshFitGain}. */
    public boolean freshWins(double freshCost, double warmCost) {
        return freshCost < (1 - freshFitGain) * warmCost;
    }
}

package io.shoal.segmentation;

/**
 * Every tunable of the segmentation math in one validated value, with factories for the objects it configures. The
 * configuration layer maps its keys onto this record.
 *
 * @param k number of segments; ≥ 1
 * @param decayHalfLife batches or points (see {@code decayUnit}) after which old data counts half in the k-means
 *        and GMM state; &gt; 0, {@code +Infinity} for no forgetting
 * @param decayUnit what {@code decayHalfLife} counts
 * @param deadFraction f: a segment lighter than f·(heaviest weight) is re-seeded; in [0, 1)
 * @param assignmentMargin score gain a user needs to move segment; ≥ 0
 * @param minDwellMillis event time a user stays in a segment before moving; ≥ 0
 * @param profileHalfLifeMillis event time after which a profile's old evidence counts half; &gt; 0
 * @param profileMinWeight floor of a profile's weight after negative events; &gt; 0
 * @param gmmVarFloor smallest GMM variance per dimension; &gt; 0
 * @param seedingRestarts k-means++ restarts when seeding; ≥ 1
 * @param lloydIterations spherical Lloyd iterations per seeding restart and per refinement; ≥ 0
 */
public record SegmentationParams(int k, double decayHalfLife, StreamingKMeans.TimeUnit decayUnit,
        double deadFraction, double assignmentMargin, long minDwellMillis, long profileHalfLifeMillis,
        double profileMinWeight, double gmmVarFloor, int seedingRestarts, int lloydIterations) {

    public SegmentationParams {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 but was " + k);
        }
        if (!(decayHalfLife > 0)) {
            throw new IllegalArgumentException("decayHalfLife must be > 0 but was " + decayHalfLife);
        }
        if (decayUnit == null) {
            throw new IllegalArgumentException("decayUnit must be BATCHES or POINTS but was null");
        }
        if (!(deadFraction >= 0 && deadFraction < 1)) {
            throw new IllegalArgumentException("deadFraction must be in [0, 1) but was " + deadFraction);
        }
        if (!(assignmentMargin >= 0) || Double.isInfinite(assignmentMargin)) {
            throw new IllegalArgumentException("assignmentMargin must be finite and >= 0 but was " + assignmentMargin);
        }
        if (minDwellMillis < 0) {
            throw new IllegalArgumentException("minDwellMillis must be >= 0 but was " + minDwellMillis);
        }
        if (profileHalfLifeMillis <= 0) {
            throw new IllegalArgumentException("profileHalfLifeMillis must be > 0 but was " + profileHalfLifeMillis);
        }
        if (!(profileMinWeight > 0) || Double.isInfinite(profileMinWeight)) {
            throw new IllegalArgumentException("profileMinWeight must be finite and > 0 but was " + profileMinWeight);
        }
        if (!(gmmVarFloor > 0) || Double.isInfinite(gmmVarFloor)) {
            throw new IllegalArgumentException("gmmVarFloor must be finite and > 0 but was " + gmmVarFloor);
        }
        if (seedingRestarts < 1) {
            throw new IllegalArgumentException("seedingRestarts must be >= 1 but was " + seedingRestarts);
        }
        if (lloydIterations < 0) {
            throw new IllegalArgumentException("lloydIterations must be >= 0 but was " + lloydIterations);
        }
    }

    /**
     * Defaults for 384-dimensional sentence embeddings: 16 segments, half-life 20 batches, re-seed below 5% of the
     * heaviest segment, move on a cosine gain of 0.05 after 10 minutes, profile half-life 7 days, 20 seeding
     * restarts with 10 Lloyd iterations.
     */
    public static SegmentationParams defaults() {
        return new SegmentationParams(16, 20, StreamingKMeans.TimeUnit.BATCHES, 0.05, 0.05, 600_000L,
                7L * 24 * 3600 * 1000, ProfileUpdater.DEFAULT_MIN_WEIGHT, 1e-4, 20, 10);
    }

    /** The decay a for a batch of {@code batchPoints} profiles. */
    public double decay(int batchPoints) {
        return StreamingKMeans.decayFor(decayHalfLife, decayUnit, batchPoints);
    }

    public ProfileUpdater profileUpdater() {
        return new ProfileUpdater(profileHalfLifeMillis, profileMinWeight);
    }

    public KMeansSeeder seeder() {
        return new KMeansSeeder(seedingRestarts, lloydIterations);
    }

    public SegmentRescue rescue() {
        return new SegmentRescue(deadFraction);
    }

    public AssignmentPolicy assignmentPolicy() {
        return new AssignmentPolicy(assignmentMargin, minDwellMillis);
    }

    public OnlineGmm gmm() {
        return new OnlineGmm(gmmVarFloor);
    }
}

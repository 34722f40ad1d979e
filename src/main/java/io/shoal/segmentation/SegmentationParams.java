package io.shoal.segmentation;

import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/**
 * Every tunable of the segmentation engine in one validated value, with factories for the objects it configures.
 * There are no defaults here: the one set of defaults is the typed configuration ({@code SegmentationConfig}), which
 * the service and the evaluation both read and map onto this record.
 *
 * @param k number of segments; ≥ 1
 * @param algorithm k-means (cosine) or the online diagonal GMM (posteriors)
 * @param decayHalfLife batches or points (see {@code decayUnit}) after which old data counts half in the k-means
 *        and GMM state; &gt; 0, {@code +Infinity} for no forgetting
 * @param decayUnit what {@code decayHalfLife} counts
 * @param deadFraction f: a segment lighter than f·(heaviest weight) is re-seeded; in [0, 1)
 * @param assignmentMargin score gain a user needs to move segment on an event; ≥ 0
 * @param minDwellMillis event time a user stays in a segment before moving on an event; ≥ 0
 * @param profileHalfLifeMillis event time after which a profile's old evidence counts half; &gt; 0
 * @param profileMinWeight floor of a profile's weight after negative events; &gt; 0
 * @param gmmVarFloor smallest GMM variance per dimension; &gt; 0
 * @param seedingRestarts k-means++ restarts when seeding and refitting; ≥ 1
 * @param lloydIterations spherical Lloyd iterations per restart, per warm refit and per refinement; ≥ 0
 * @param bootstrapProfiles profiles in the sample before the model is seeded; ≥ k
 * @param sampleSize the profile sample's bound (see {@link SamplePolicy}); ≥ bootstrapProfiles
 * @param randomSeed seeds k-means++ (with the generation, so each refit draws anew but reproducibly)
 * @param refit when and how the model is refit ({@link RefitPolicy})
 */
public record SegmentationParams(int k, Algorithm algorithm, double decayHalfLife, StreamingKMeans.TimeUnit decayUnit,
        double deadFraction, double assignmentMargin, long minDwellMillis, long profileHalfLifeMillis,
        double profileMinWeight, double gmmVarFloor, int seedingRestarts, int lloydIterations, int bootstrapProfiles,
        int sampleSize, long randomSeed, RefitPolicy refit) {

    public SegmentationParams {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 but was " + k);
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must be KMEANS or GMM but was null");
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
        if (bootstrapProfiles < k) {
            throw new IllegalArgumentException(
                    "bootstrapProfiles must be >= k = " + k + " but was " + bootstrapProfiles);
        }
        if (sampleSize < bootstrapProfiles) {
            throw new IllegalArgumentException(
                    "sampleSize must be >= bootstrapProfiles = " + bootstrapProfiles + " but was " + sampleSize);
        }
        if (refit == null) {
            throw new IllegalArgumentException("refit must not be null");
        }
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

    /** The same parameters with another k (bootstrap and sample bounds are kept valid). */
    public SegmentationParams withK(int newK) {
        return new SegmentationParams(newK, algorithm, decayHalfLife, decayUnit, deadFraction, assignmentMargin,
                minDwellMillis, profileHalfLifeMillis, profileMinWeight, gmmVarFloor, seedingRestarts, lloydIterations,
                Math.max(bootstrapProfiles, newK), Math.max(sampleSize, Math.max(bootstrapProfiles, newK)), randomSeed,
                refit);
    }

    public SegmentationParams withAlgorithm(Algorithm a) {
        return new SegmentationParams(k, a, decayHalfLife, decayUnit, deadFraction, assignmentMargin, minDwellMillis,
                profileHalfLifeMillis, profileMinWeight, gmmVarFloor, seedingRestarts, lloydIterations,
                bootstrapProfiles, sampleSize, randomSeed, refit);
    }

    public SegmentationParams withRandomSeed(long seed) {
        return new SegmentationParams(k, algorithm, decayHalfLife, decayUnit, deadFraction, assignmentMargin,
                minDwellMillis, profileHalfLifeMillis, profileMinWeight, gmmVarFloor, seedingRestarts, lloydIterations,
                bootstrapProfiles, sampleSize, seed, refit);
    }

    /** The same engine with other hysteresis, forgetting, restarts and refits (the evaluation's baselines). */
    public SegmentationParams with(double halfLife, double margin, long dwellMillis, int restarts,
            RefitPolicy refitPolicy) {
        return new SegmentationParams(k, algorithm, halfLife, decayUnit, deadFraction, margin, dwellMillis,
                profileHalfLifeMillis, profileMinWeight, gmmVarFloor, restarts, lloydIterations, bootstrapProfiles,
                sampleSize, randomSeed, refitPolicy);
    }
}

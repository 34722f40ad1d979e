package io.shoal.segmentation;

import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/** Explicit engine parameters for pure tests (the product's defaults live in SegmentationConfig, not here). */
public final class TestParams {

    private TestParams() {
    }

    /** k-means with the given rules, bootstrap 10·k, a sample of 1,000, seed 42 and no refits. */
    public static SegmentationParams of(int k, double halfLife, StreamingKMeans.TimeUnit unit, double dead,
            double margin, long dwell, long profileHalfLife, double minWeight, double varFloor, int restarts,
            int iterations) {
        return new SegmentationParams(k, Algorithm.KMEANS, halfLife, unit, dead, margin, dwell, profileHalfLife,
                minWeight, varFloor, restarts, iterations, 10 * k, Math.max(1_000, 10 * k), 42, RefitPolicy.never());
    }

    /** The same with another bootstrap size, sample cap and refit policy. */
    public static SegmentationParams with(SegmentationParams p, int bootstrap, int sampleSize, RefitPolicy refit) {
        return new SegmentationParams(p.k(), p.algorithm(), p.decayHalfLife(), p.decayUnit(), p.deadFraction(),
                p.assignmentMargin(), p.minDwellMillis(), p.profileHalfLifeMillis(), p.profileMinWeight(),
                p.gmmVarFloor(), p.seedingRestarts(), p.lloydIterations(), bootstrap, sampleSize, p.randomSeed(),
                refit);
    }
}

package io.shoal.evaluation;

import io.shoal.segmentation.ProfileUpdater;
import io.shoal.segmentation.SegmentationParams;
import io.shoal.segmentation.StreamingKMeans;

/**
 * Everything the in-memory replay of the segmentation engine needs: the math's parameters and the pipeline's
 * batching and maintenance cadence.
 *
 * @param name                    label in the report
 * @param params                  the segmentation math
 * @param batchSize               events per micro-batch (the pipeline's {@code shoal.pipeline.batch-size})
 * @param bootstrapProfiles       profiles in the sample before the model is seeded; ≥ k
 * @param sampleCap               bound of the profile sample (random eviction beyond it, as the Redis script does)
 * @param maintenanceEveryBatches rescue + refinement every this many batches; 0 = never
 * @param randomSeed              seeds the seeder and the sample eviction
 * @param purchaseWeight          event weight of a purchase
 * @param removeWeight            event weight of a remove_from_cart (a cancellation)
 */
public record EngineSettings(String name, SegmentationParams params, int batchSize, int bootstrapProfiles,
        int sampleCap, int maintenanceEveryBatches, long randomSeed, double purchaseWeight, double removeWeight) {

    public EngineSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
        }
        if (bootstrapProfiles < params.k()) {
            throw new IllegalArgumentException(
                    "bootstrapProfiles must be >= k = " + params.k() + " but was " + bootstrapProfiles);
        }
        if (sampleCap < bootstrapProfiles) {
            throw new IllegalArgumentException(
                    "sampleCap must be >= bootstrapProfiles = " + bootstrapProfiles + " but was " + sampleCap);
        }
        if (maintenanceEveryBatches < 0) {
            throw new IllegalArgumentException(
                    "maintenanceEveryBatches must be >= 0 but was " + maintenanceEveryBatches);
        }
    }

    /**
     * The service as shipped: the {@code @WithDefault} values of {@code SegmentationConfig} and
     * {@code PipelineConfig} and the event weights of application.properties (pinned by EngineSettingsTest), with
     * k replaced.
     */
    public static EngineSettings service(int k) {
        SegmentationParams params = new SegmentationParams(k, 20_000, StreamingKMeans.TimeUnit.POINTS, 0.05, 0.02,
                10 * 60_000L, 7L * 24 * 3600 * 1000, ProfileUpdater.DEFAULT_MIN_WEIGHT, 1e-4, 20, 10);
        return new EngineSettings("shoal", params, 256, 10 * k, 5_000, 1_000, 42, 5, -1);
    }

    /**
     * Spark MLlib's StreamingKMeans as usually deployed: no forgetting (decay 1), the best segment always (margin 0,
     * dwell 0), no rescue or refinement, one k-means++ draw. Profiles, batching and seeding moment are the
     * service's, so only the engine's choices differ.
     */
    public static EngineSettings sparkBaseline(int k) {
        EngineSettings s = service(k);
        SegmentationParams p = s.params();
        SegmentationParams baseline = new SegmentationParams(k, Double.POSITIVE_INFINITY, p.decayUnit(),
                p.deadFraction(), 0, 0, p.profileHalfLifeMillis(), p.profileMinWeight(), p.gmmVarFloor(), 1,
                p.lloydIterations());
        return new EngineSettings("spark-baseline", baseline, s.batchSize(), s.bootstrapProfiles(), s.sampleCap(), 0,
                s.randomSeed(), s.purchaseWeight(), s.removeWeight());
    }

    /** The event weight of an event type the datasets produce. */
    double weight(io.shoal.pipeline.EventType type) {
        return switch (type) {
            case PURCHASE -> purchaseWeight;
            case REMOVE_FROM_CART -> removeWeight;
            default -> throw new IllegalArgumentException("the evaluation replays purchases and removals but got " + type);
        };
    }
}

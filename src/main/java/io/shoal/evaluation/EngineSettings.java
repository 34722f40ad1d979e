package io.shoal.evaluation;

import java.util.Map;

import io.shoal.config.PipelineConfig;
import io.shoal.config.SegmentationConfig;
import io.shoal.config.SegmentationDefaults;
import io.shoal.event.EventType;
import io.shoal.segmentation.RefitPolicy;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.SegmentationParams;

/**
 * What the in-memory driver needs: the engine's parameters and the pipeline's batch size and event weights, all read
 * from the service's typed configuration ({@link SegmentationDefaults}), so the evaluation runs the shipped engine.
 *
 * @param name       label in the report
 * @param params     the engine's parameters
 * @param batchSize  events per micro-batch (the pipeline's {@code shoal.pipeline.batch-size})
 * @param batchTimeoutMillis the pipeline's {@code batch-timeout}: the in-memory driver's clock step per batch
 * @param weights    the event weights by type
 */
public record EngineSettings(String name, SegmentationParams params, int batchSize, long batchTimeoutMillis,
        Map<EventType, Double> weights) {

    public EngineSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
        }
        weights = Map.copyOf(weights);
    }

    /** The service as shipped, with k (and the algorithm) replaced. */
    public static EngineSettings service(int k, Algorithm algorithm) {
        return service(Map.of("shoal.segmentation.k", Integer.toString(k), "shoal.segmentation.algorithm",
                algorithm.name().toLowerCase()));
    }

    public static EngineSettings service(int k) {
        return service(k, Algorithm.KMEANS);
    }

    /** The service's configuration with {@code overrides} (full keys) on top. */
    public static EngineSettings service(Map<String, String> overrides) {
        SegmentationConfig config = SegmentationDefaults.config(overrides);
        Map<EventType, Double> weights = SegmentationConfig.weightsByType(config.eventWeights());
        String name = config.algorithm() == Algorithm.GMM ? "shoal-gmm" : "shoal";
        PipelineConfig pipeline = SegmentationDefaults.pipeline(overrides);
        return new EngineSettings(name, SegmentationConfig.params(config), pipeline.batchSize(),
                pipeline.batchTimeout().toMillis(), weights);
    }

    /**
     * Spark MLlib's StreamingKMeans as usually deployed: no forgetting (decay 1), the best segment always (margin 0,
     * dwell 0), no refit, check or rescue, one k-means++ draw. Profiles, batching and seeding moment are the
     * service's, so only the engine's choices differ.
     */
    public static EngineSettings sparkBaseline(int k) {
        EngineSettings s = service(k);
        return new EngineSettings("spark-baseline", s.params().with(Double.POSITIVE_INFINITY, 0, 0, 1,
                RefitPolicy.never()), s.batchSize(), s.batchTimeoutMillis(), s.weights());
    }

    /** The same settings under another name and parameters. */
    public EngineSettings with(String newName, SegmentationParams newParams) {
        return new EngineSettings(newName, newParams, batchSize, batchTimeoutMillis, weights);
    }

    /** The event weight of an event type. */
    double weight(EventType type) {
        Double w = weights.get(type);
        if (w == null) {
            throw new IllegalArgumentException("no event weight for " + type);
        }
        return w;
    }
}

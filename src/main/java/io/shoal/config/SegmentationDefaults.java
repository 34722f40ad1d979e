package io.shoal.config;

import java.time.Duration;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.shoal.segmentation.SegmentationParams;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The typed segmentation configuration outside Quarkus (the evaluation, benchmarks, plain tests): the same
 * {@link SegmentationConfig} interface and defaults the service reads, with system properties and environment
 * variables ({@code SHOAL_SEGMENTATION_K}) and explicit overrides on top. So the evaluation and the service never
 * disagree on a default.
 */
public final class SegmentationDefaults {

    private SegmentationDefaults() {
    }

    /** The configuration from defaults, system properties and the environment. */
    public static SegmentationConfig config() {
        return config(Map.of());
    }

    /** The same with {@code overrides} (full keys, e.g. {@code shoal.segmentation.k}) taking precedence. */
    public static SegmentationConfig config(Map<String, String> overrides) {
        return build(overrides, SegmentationConfig.class).getConfigMapping(SegmentationConfig.class);
    }

    private static SmallRyeConfig build(Map<String, String> overrides, Class<?> mapping) {
        return new SmallRyeConfigBuilder()
                .addDefaultSources()
                .withSources(new PropertiesConfigSource(overrides, "overrides", 1000))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(mapping)
                .build();
    }

    /** The pipeline's configuration ({@code shoal.pipeline.*}: batch size and timeout) from the same sources. */
    public static PipelineConfig pipeline(Map<String, String> overrides) {
        return build(overrides, PipelineConfig.class).getConfigMapping(PipelineConfig.class);
    }

    /** {@link SegmentationConfig#params} of {@link #config(Map)}. */
    public static SegmentationParams params(Map<String, String> overrides) {
        return SegmentationConfig.params(config(overrides));
    }

    /** The recommendation configuration ({@code shoal.recommendation.*}) from the same sources. */
    public static RecommendationConfig recommendation(Map<String, String> overrides) {
        return build(overrides, RecommendationConfig.class).getConfigMapping(RecommendationConfig.class);
    }
}

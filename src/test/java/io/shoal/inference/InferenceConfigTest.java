package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The mapping works with no key set, and the documented spellings of the enums parse. */
class InferenceConfigTest {

    @Test
    void everyKeyHasADefault() {
        InferenceConfig config = mapping(Map.of());

        assertThat(config.model()).isEqualTo(ModelChoice.ALL_MINILM_L6_V2);
        assertThat(config.device()).isEqualTo(InferenceDevice.AUTO);
        assertThat(config.effectiveWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        // DJL_CACHE_DIR (set by the deployment, or by DjlEnvironment in an earlier test of this JVM) wins.
        String djlCacheDir = System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"));
        assertThat(config.cacheDir()).isEqualTo(djlCacheDir != null ? Path.of(djlCacheDir)
                : Path.of(System.getProperty("java.io.tmpdir"), "shoal-djl"));
        assertThat(config.modelSpec()).isEqualTo(ModelSpec.allMiniLmL6V2());
        CacheSettings cache = config.cacheSettings();
        assertThat(cache.keyPrefix()).isEqualTo("shoal:");
        assertThat(cache.ttl()).isEqualTo(Duration.ofDays(7));
        assertThat(cache.itemTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(cache.subBatchSize()).isEqualTo(32);
        assertThat(cache.redisEnabled()).isTrue();
    }

    @Test
    void intraOpThreadsShareTheCoresAmongTheWorkers() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(mapping(Map.of()).effectiveIntraOpThreads()).isEqualTo(1);
        assertThat(mapping(Map.of("shoal.inference.workers", "1")).effectiveIntraOpThreads()).isEqualTo(cores);
        assertThat(mapping(Map.of("shoal.inference.workers", Integer.toString(4 * cores)))
                .effectiveIntraOpThreads()).isEqualTo(1);
        assertThat(mapping(Map.of("shoal.inference.intra-op-threads", "3")).effectiveIntraOpThreads()).isEqualTo(3);
        assertThatThrownBy(() -> mapping(Map.of("shoal.inference.intra-op-threads", "-1")).effectiveIntraOpThreads())
                .hasMessageContaining("shoal.inference.intra-op-threads");
    }

    @Test
    void keyPrefixFollowsTheStorePrefix() {
        InferenceConfig config = mapping(Map.of("shoal.redis.key-prefix", "shoal-blue:"));

        assertThat(config.cacheSettings().keyPrefix()).isEqualTo("shoal-blue:");
    }

    @Test
    void bundledChineseModelAndTokenLimit() {
        InferenceConfig config = mapping(Map.of("shoal.inference.model", "bge-small-zh-v15",
                "shoal.inference.max-tokens", "256", "shoal.inference.device", "cpu"));

        assertThat(config.device()).isEqualTo(InferenceDevice.CPU);
        assertThat(config.modelSpec()).isEqualTo(ModelSpec.bgeSmallZhV15().withMaxTokens(256));
    }

    @Test
    void customModelFromDisk() {
        InferenceConfig config = mapping(Map.of("shoal.inference.model", "custom",
                "shoal.inference.custom.onnx-path", "/models/e5.onnx",
                "shoal.inference.custom.tokenizer-path", "/models/tokenizer.json",
                "shoal.inference.custom.id", "e5-small",
                "shoal.inference.custom.dimension", "768",
                "shoal.inference.custom.pooling", "cls",
                "shoal.inference.custom.lower-case", "false"));

        assertThat(config.modelSpec()).isEqualTo(new ModelSpec("e5-small", "/models/e5.onnx",
                "/models/tokenizer.json", false, 768, Pooling.CLS, 512, false));
    }

    @Test
    void customModelWithoutFilesSaysWhichKeyIsMissing() {
        InferenceConfig config = mapping(Map.of("shoal.inference.model", "custom"));

        assertThatThrownBy(config::modelSpec).hasMessageContaining("shoal.inference.custom.onnx-path");
    }

    private static InferenceConfig mapping(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addSystemSources()
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .withMapping(InferenceConfig.class)
                .build();
        return config.getConfigMapping(InferenceConfig.class);
    }
}

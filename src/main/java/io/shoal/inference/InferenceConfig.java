package io.shoal.inference;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the embedding stage. Every key has a default, so none is needed in application.properties. */
@ConfigMapping(prefix = "shoal.inference")
public interface InferenceConfig {

    /** Which model: all-minilm-l6-v2 (English, 384 dims), bge-small-zh-v15 (Chinese, 512 dims) or custom. */
    @WithDefault("all-minilm-l6-v2")
    ModelChoice model();

    /** Truncation in tokens, [CLS] and [SEP] included; 0 keeps the model's own (MiniLM 128, BGE 512, custom 512). */
    @WithDefault("0")
    int maxTokens();

    /** Where ONNX Runtime runs: auto (GPU when the CUDA build and a GPU are there), cpu, or gpu (fail if absent). */
    @WithDefault("auto")
    InferenceDevice device();

    /** Inference threads, each with its own predictor; 0 means one per available processor. */
    @WithDefault("0")
    int workers();

    /** Sub-batches waiting for an inference thread before new ones are refused. */
    @WithDefault("256")
    int queueCapacity();

    /**
     * ONNX Runtime threads inside one model call; 0 means processors / workers (at least 1), so that the workers'
     * calls together use each core once instead of every call spinning threads on every core.
     */
    @WithDefault("0")
    int intraOpThreads();

    /** Writable folder for DJL's native libraries and the copies of bundled models; DJL_CACHE_DIR when set. */
    @WithDefault("${DJL_CACHE_DIR:${java.io.tmpdir}/shoal-djl}")
    Path cacheDir();

    /** The model used when {@code model=custom}. */
    Custom custom();

    /** The embedding cache in front of the model. */
    Cache cache();

    /** An ONNX sentence model on disk. */
    interface Custom {

        /** The ONNX file; required when {@code model=custom}. */
        Optional<Path> onnxPath();

        /** The HuggingFace tokenizer.json; required when {@code model=custom}. */
        Optional<Path> tokenizerPath();

        /** Short name in cache keys; change it whenever the model changes so that no stale vector is read. */
        @WithDefault("custom")
        String id();

        /** Length of the output vectors. */
        @WithDefault("384")
        int dimension();

        /** Pooling of the token vectors: mean or cls. */
        @WithDefault("mean")
        Pooling pooling();

        /** Whether the model is uncased (texts are lower-cased before caching and embedding). */
        @WithDefault("true")
        boolean lowerCase();
    }

    /** Two cache layers: in process, then Redis. */
    interface Cache {

        /** Most texts in the in-process cache; 0 disables it. */
        @WithDefault("100000")
        long localEntries();

        /** Whether vectors are shared through Redis; false keeps them in process only. */
        @WithDefault("true")
        boolean redisEnabled();

        /** Prefix of every Redis key; follows shoal.redis.key-prefix when that is set. */
        @WithDefault("${shoal.redis.key-prefix:shoal:}")
        String redisKeyPrefix();

        /** How long a text's vector stays in Redis. */
        @WithDefault("P7D")
        Duration ttl();

        /** How long an item's last vector stays in Redis. */
        @WithDefault("P30D")
        Duration itemTtl();

        /** Most texts per model call. */
        @WithDefault("32")
        int subBatchSize();
    }

    /** The model described by this configuration. */
    default ModelSpec modelSpec() {
        ModelSpec spec = switch (model()) {
            case ALL_MINILM_L6_V2 -> ModelSpec.allMiniLmL6V2();
            case BGE_SMALL_ZH_V15 -> ModelSpec.bgeSmallZhV15();
            case CUSTOM -> new ModelSpec(custom().id(),
                    custom().onnxPath().orElseThrow(() -> new IllegalArgumentException(
                            "shoal.inference.custom.onnx-path must be set when shoal.inference.model=custom"))
                            .toString(),
                    custom().tokenizerPath().orElseThrow(() -> new IllegalArgumentException(
                            "shoal.inference.custom.tokenizer-path must be set when shoal.inference.model=custom"))
                            .toString(),
                    false, custom().dimension(), custom().pooling(), 512, custom().lowerCase());
        };
        if (maxTokens() < 0) {
            throw new IllegalArgumentException("shoal.inference.max-tokens must be >= 0 but was " + maxTokens());
        }
        return maxTokens() == 0 ? spec : spec.withMaxTokens(maxTokens());
    }

    /** Inference threads after resolving 0 to the number of processors. */
    default int effectiveWorkers() {
        if (workers() < 0) {
            throw new IllegalArgumentException("shoal.inference.workers must be >= 0 but was " + workers());
        }
        return workers() == 0 ? Runtime.getRuntime().availableProcessors() : workers();
    }

    /** ONNX Runtime threads per call after resolving 0 to processors / workers (at least 1). */
    default int effectiveIntraOpThreads() {
        if (intraOpThreads() < 0) {
            throw new IllegalArgumentException("shoal.inference.intra-op-threads must be >= 0 but was "
                    + intraOpThreads());
        }
        return intraOpThreads() > 0 ? intraOpThreads() : SentenceEncoder.intraOpThreadsFor(effectiveWorkers());
    }

    /** The cache settings as a value. */
    default CacheSettings cacheSettings() {
        return new CacheSettings(cache().localEntries(), cache().redisEnabled(), cache().redisKeyPrefix(),
                cache().ttl(), cache().itemTtl(), cache().subBatchSize());
    }
}

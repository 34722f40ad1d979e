package io.shoal.inference;

/** Which sentence model to load: one bundled in a jar on the classpath, or files on disk. */
public enum ModelChoice {
    /** sentence-transformers/all-MiniLM-L6-v2: English, uncased, 384 dimensions, mean pooling. */
    ALL_MINILM_L6_V2,
    /** BAAI/bge-small-zh-v1.5: Chinese, 512 dimensions, CLS pooling. */
    BGE_SMALL_ZH_V15,
    /** An ONNX file and tokenizer.json on disk, described by {@code shoal.inference.custom.*}. */
    CUSTOM
}

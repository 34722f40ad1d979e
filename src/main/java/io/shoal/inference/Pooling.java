package io.shoal.inference;

/** How token vectors become one sentence vector. */
public enum Pooling {
    /** Average of the token vectors that the attention mask marks as real (sentence-transformers' MiniLM). */
    MEAN,
    /** The vector of the first token, [CLS] (BGE models). */
    CLS
}

package io.shoal.config;

/** How a profile vector is stored in Redis: trading bytes per user against precision. */
public enum VectorEncoding {
    /** 4 bytes per dimension, exact. */
    FLOAT32,
    /** 2 bytes per dimension (IEEE half precision), ~3 significant digits: cosine error ~1e-4. */
    FLOAT16,
    /** 1 byte per dimension plus a 4-byte scale: symmetric linear quantisation of a unit vector. */
    INT8
}

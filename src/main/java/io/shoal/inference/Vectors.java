package io.shoal.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Plain-array vector arithmetic for the encoder's output and the byte layout of cached vectors.
 * <p>
 * Glossary: {@code b} texts in a batch, {@code t} tokens per text after padding, {@code h} hidden size; the model's
 * last hidden state arrives flat in row-major order, element (i, j, k) at {@code (i * t + j) * h + k}.
 */
public final class Vectors {

    /** Norms below this are treated as zero so that an all-zero vector stays zero instead of becoming NaN. */
    private static final double MIN_NORM = 1e-12;

    private Vectors() {
    }

    /**
     * Pools the token vectors of each text into one L2-normalised vector.
     * <p>
     * MEAN: {@code v_i = sum_j m_ij * x_ij / max(sum_j m_ij, 1)} with {@code m} the attention mask (1 for real tokens,
     * 0 for padding), so padding never dilutes a short text. CLS: {@code v_i = x_i0}.
     *
     * @param hidden flat last hidden state, length {@code b * t * h}
     * @param mask   flat attention mask, length {@code b * t}
     */
    public static float[][] pool(float[] hidden, long[] mask, int b, int t, int h, Pooling pooling) {
        if (hidden.length != (long) b * t * h) {
            throw new IllegalArgumentException("hidden state must have b*t*h = " + b + "*" + t + "*" + h
                    + " values but had " + hidden.length);
        }
        if (mask.length != (long) b * t) {
            throw new IllegalArgumentException("mask must have b*t = " + b + "*" + t + " values but had " + mask.length);
        }
        float[][] out = new float[b][];
        for (int i = 0; i < b; i++) {
            float[] v = new float[h];
            if (pooling == Pooling.CLS) {
                System.arraycopy(hidden, i * t * h, v, 0, h);
            } else {
                // Sum in double: 512 tokens of float partial sums lose digits the oracle comparison notices.
                double[] sum = new double[h];
                long count = 0;
                for (int j = 0; j < t; j++) {
                    if (mask[i * t + j] == 0) {
                        continue;
                    }
                    count++;
                    int base = (i * t + j) * h;
                    for (int k = 0; k < h; k++) {
                        sum[k] += hidden[base + k];
                    }
                }
                double divisor = Math.max(count, 1);
                for (int k = 0; k < h; k++) {
                    v[k] = (float) (sum[k] / divisor);
                }
            }
            out[i] = normalise(v);
        }
        return out;
    }

    /** Scales {@code v} in place to unit L2 norm (a zero vector stays zero) and returns it. */
    public static float[] normalise(float[] v) {
        double squares = 0;
        for (float x : v) {
            squares += (double) x * x;
        }
        double norm = Math.sqrt(squares);
        if (norm < MIN_NORM) {
            return v;
        }
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (v[k] / norm);
        }
        return v;
    }

    /** Cosine similarity; 0 when either vector is zero. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors must have the same length but had " + a.length + " and "
                    + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
            na += (double) a[k] * a[k];
            nb += (double) b[k] * b[k];
        }
        return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), MIN_NORM);
    }

    /** The cache's wire format: float32, little-endian, no header (the model id in the key fixes the length). */
    public static byte[] toBytes(float[] v) {
        ByteBuffer buffer = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(v);
        return buffer.array();
    }

    /** Inverse of {@link #toBytes(float[])}. */
    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("a float32 vector needs a multiple of 4 bytes but got " + bytes.length);
        }
        float[] v = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}

package io.shoal.segmentation;

import java.util.Arrays;

/**
 * One shopper's interest profile: a unit vector, the decayed total event weight behind it, and the event time
 * (epoch millis) of the newest event folded in. Immutable: the vector is copied in and out.
 *
 * @param vector unit vector p (the decayed weighted mean direction of the user's events)
 * @param weight w, the decayed sum of event weights; always &gt; 0
 * @param lastEventMillis event time of the newest event applied (never moves backwards)
 */
public record UserProfile(float[] vector, double weight, long lastEventMillis) {

    public UserProfile {
        if (vector == null || vector.length == 0) {
            throw new IllegalArgumentException("vector must be non-empty");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be finite and > 0 but was " + weight);
        }
        vector = vector.clone();
    }

    /** A copy of the unit vector. */
    @Override
    public float[] vector() {
        return vector.clone();
    }

    public int dimension() {
        return vector.length;
    }

    /** The internal vector, read-only by convention; for the hot paths of this package. */
    float[] vectorRef() {
        return vector;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserProfile other
                && Arrays.equals(vector, other.vector)
                && Double.compare(weight, other.weight) == 0
                && lastEventMillis == other.lastEventMillis;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(vector) + Double.hashCode(weight)) + Long.hashCode(lastEventMillis);
    }

    @Override
    public String toString() {
        return "UserProfile[dimension=" + vector.length + ", weight=" + weight + ", lastEventMillis="
                + lastEventMillis + "]";
    }
}

package io.shoal.segmentation;

import java.util.Arrays;

/**
 * The state of the streaming spherical k-means model: one slot per segment. Immutable: arrays are copied in and
 * out (use {@link #centroid(int)} to read one centroid).
 *
 * <p>Segment identity: a slot index k is where a segment lives; {@code segmentIds[k]} is the segment's stable id.
 * When a slot is re-seeded (see {@link SegmentRescue}) it receives the id {@code nextSegmentId} and the counter
 * advances, so an id is never silently re-used for a different segment. Callers store the id (not the slot) with
 * a user and treat an id that is no longer in {@code segmentIds} as retired.
 *
 * @param centroids k unit vectors c_k, all of one dimension d
 * @param weights n_k, the decayed number of points behind each centroid; ≥ 0
 * @param concentrations r_k in [0, 1], the mean resultant length of the members: |decayed sum of member profiles|
 *        / n_k, so that n_k·r_k·c_k is the decayed sum itself (1 = all members on the centroid; small = spread out)
 * @param segmentIds the stable id of the segment in each slot; distinct
 * @param nextSegmentId the id the next re-seeded slot receives; greater than every id in {@code segmentIds}
 * @param version incremented by every state transition, for optimistic concurrency in the store
 */
public record KMeansState(float[][] centroids, double[] weights, double[] concentrations, long[] segmentIds,
        long nextSegmentId, long version) {

    public KMeansState {
        if (centroids == null || centroids.length == 0) {
            throw new IllegalArgumentException("centroids must hold at least one segment");
        }
        int d = centroids[0] == null ? 0 : centroids[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("centroids must have dimension > 0");
        }
        for (int k = 0; k < centroids.length; k++) {
            Vectors.requireDimension(centroids[k], d, "centroids[" + k + "]");
        }
        if (weights == null || weights.length != centroids.length) {
            throw new IllegalArgumentException("weights must have one entry per centroid (" + centroids.length
                    + ") but had " + (weights == null ? "null" : weights.length));
        }
        for (int k = 0; k < weights.length; k++) {
            if (!(weights[k] >= 0) || Double.isInfinite(weights[k])) {
                throw new IllegalArgumentException("weights[" + k + "] must be finite and >= 0 but was " + weights[k]);
            }
        }
        if (concentrations == null || concentrations.length != centroids.length) {
            throw new IllegalArgumentException("concentrations must have one entry per centroid (" + centroids.length
                    + ") but had " + (concentrations == null ? "null" : concentrations.length));
        }
        for (int k = 0; k < concentrations.length; k++) {
            if (!(concentrations[k] >= 0 && concentrations[k] <= 1)) {
                throw new IllegalArgumentException(
                        "concentrations[" + k + "] must be in [0, 1] but was " + concentrations[k]);
            }
        }
        if (segmentIds == null || segmentIds.length != centroids.length) {
            throw new IllegalArgumentException("segmentIds must have one entry per centroid (" + centroids.length
                    + ") but had " + (segmentIds == null ? "null" : segmentIds.length));
        }
        long maxId = Arrays.stream(segmentIds).max().orElseThrow();
        if (Arrays.stream(segmentIds).distinct().count() != segmentIds.length) {
            throw new IllegalArgumentException("segmentIds must be distinct but were " + Arrays.toString(segmentIds));
        }
        if (nextSegmentId <= maxId) {
            throw new IllegalArgumentException(
                    "nextSegmentId must be > every segment id (" + maxId + ") but was " + nextSegmentId);
        }
        centroids = Vectors.deepCopy(centroids);
        weights = weights.clone();
        concentrations = concentrations.clone();
        segmentIds = segmentIds.clone();
    }

    /**
     * A state whose slots carry ids 0..k-1, {@code nextSegmentId} = k and concentration 1 (the weight behind each
     * centroid counts as if its members sat on it); centroids are taken as given.
     */
    public KMeansState(float[][] centroids, double[] weights, long version) {
        this(centroids, weights, ones(centroids), sequentialIds(centroids), centroids == null ? 0 : centroids.length,
                version);
    }

    private static long[] sequentialIds(float[][] centroids) {
        long[] ids = new long[centroids == null ? 0 : centroids.length];
        Arrays.setAll(ids, i -> i);
        return ids;
    }

    private static double[] ones(float[][] centroids) {
        double[] r = new double[centroids == null ? 0 : centroids.length];
        Arrays.fill(r, 1.0);
        return r;
    }

    /**
     * A first state: ids 0..k-1, {@code nextSegmentId} = k, version 0. Centroids are normalised.
     */
    public static KMeansState initial(float[][] centroids, double[] weights) {
        if (centroids == null || centroids.length == 0) {
            throw new IllegalArgumentException("centroids must hold at least one segment");
        }
        float[][] unit = new float[centroids.length][];
        for (int k = 0; k < centroids.length; k++) {
            if (centroids[k] == null) {
                throw new IllegalArgumentException("centroids[" + k + "] must not be null");
            }
            unit[k] = Vectors.normalizeOrNull(centroids[k]);
            if (unit[k] == null) {
                throw new IllegalArgumentException("centroids[" + k + "] must not be the zero vector");
            }
        }
        return new KMeansState(unit, weights, 0);
    }

    /** Number of segments k. */
    public int k() {
        return centroids.length;
    }

    /** Dimension d of the vectors. */
    public int dimension() {
        return centroids[0].length;
    }

    @Override
    public float[][] centroids() {
        return Vectors.deepCopy(centroids);
    }

    /** A copy of centroid k. */
    public float[] centroid(int k) {
        return centroids[k].clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    public double weight(int k) {
        return weights[k];
    }

    @Override
    public double[] concentrations() {
        return concentrations.clone();
    }

    public double concentration(int k) {
        return concentrations[k];
    }

    @Override
    public long[] segmentIds() {
        return segmentIds.clone();
    }

    public long segmentId(int k) {
        return segmentIds[k];
    }

    /** The slot holding segment {@code id}, or -1 when that segment was retired (or never existed). */
    public int slotOf(long id) {
        for (int k = 0; k < segmentIds.length; k++) {
            if (segmentIds[k] == id) {
                return k;
            }
        }
        return -1;
    }

    /** The internal centroids, read-only by convention; for the hot paths of this package. */
    float[][] centroidsRef() {
        return centroids;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KMeansState other
                && Arrays.deepEquals(centroids, other.centroids)
                && Arrays.equals(weights, other.weights)
                && Arrays.equals(concentrations, other.concentrations)
                && Arrays.equals(segmentIds, other.segmentIds)
                && nextSegmentId == other.nextSegmentId
                && version == other.version;
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(centroids) * 31 + Arrays.hashCode(segmentIds) * 17 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "KMeansState[k=" + centroids.length + ", dimension=" + centroids[0].length + ", weights="
                + Arrays.toString(weights) + ", concentrations=" + Arrays.toString(concentrations) + ", segmentIds=" + Arrays.toString(segmentIds) + ", nextSegmentId="
                + nextSegmentId + ", version=" + version + "]";
    }
}

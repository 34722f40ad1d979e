package io.shoal.segmentation;

import java.util.ArrayList;
import java.util.List;

/**
 * Spherical streaming k-means with forgetting: the mini-batch rule of Spark MLlib's {@code StreamingKMeans}, on
 * unit vectors with cosine similarity.
 *
 * <h2>Update rule</h2>
 * For every micro-batch, each profile is assigned to its most similar centroid ({@link #summarize}); then, for every
 * segment k ({@link #update}):
 *
 * <pre>
 *   u_k = a·n_k·r_k·c_k + s_k        (the decayed sum of the segment's member profiles)
 *   c_k ← normalise(u_k)
 *   r_k ← |u_k| / (a·n_k + m_k)
 *   n_k ← a·n_k + m_k
 * </pre>
 * This is Spark's rule c ← (c·n·a + x̄·m) / (n·a + m) applied to the mean vector r_k·c_k of the members, normalised
 * only for assignment. Keeping r_k matters: normalising the mean itself (r = 1) would count old members as if they
 * sat exactly on the centroid and over-weight the past by 1/r_k; with r_k the a = 1 centroid is exactly the
 * normalised grand mean. Segments that received no profile (m_k = 0) keep their centroid and still decay their weight, so a segment the
 * stream has abandoned withers and can be re-seeded by {@link SegmentRescue}.
 *
 * <h2>Glossary</h2>
 * <ul>
 * <li>c_k: the unit centroid of segment k; n_k: its weight, the decayed number of profiles behind it; r_k: its
 * concentration, the length of the members' mean vector (1 when all sit on c_k).</li>
 * <li>s_k: the sum of the unit profiles of the batch assigned to k; m_k: their number.</li>
 * <li>a: the decay (forgetting) factor in [0, 1] applied to the old state once per batch.</li>
 * <li>halfLife: the number of batches (or points) after which old data counts half; see {@link #decayFor}.</li>
 * </ul>
 *
 * <h2>Boundary values of the decay a</h2>
 * <ul>
 * <li>a = 1: all batches weigh the same; after any number of batches c_k is the normalised grand mean of every
 * profile ever assigned to k (the seed's members included), i.e. plain sequential k-means.</li>
 * <li>a = 0: only the newest batch counts; c_k is the normalised mean of the batch's members (or unchanged when the
 * batch has none) and n_k = m_k.</li>
 * <li>0 &lt; a &lt; 1: a batch h batches old weighs a^h; a = 0.5^(1/halfLife).</li>
 * </ul>
 *
 * <p>Measured on real product titles, the update rule matters less than where the centroids start and how dying
 * segments are rescued: seed with {@link KMeansSeeder} (many restarts), rescue with {@link SegmentRescue} and
 * periodically {@link KMeansSeeder#refine} on a recent sample.
 *
 * <p>All methods are pure: they read their inputs and return new values.
 */
public final class StreamingKMeans {

    /** The unit in which the decay half-life is counted (Spark's {@code timeUnit}). */
    public enum TimeUnit {
        /** The half-life counts micro-batches: a = 0.5^(1/halfLife) per batch, whatever its size. */
        BATCHES,
        /** The half-life counts profiles: a = 0.5^(m/halfLife) for a batch of m profiles. */
        POINTS
    }

    private StreamingKMeans() {
    }

    /**
     * The decay a for one batch from a half-life (Spark's rule).
     *
     * @param halfLife batches or points after which old data counts half; &gt; 0, {@code +Infinity} gives a = 1
     * @param unit what {@code halfLife} counts
     * @param batchPoints m, the number of profiles in this batch (only used for {@link TimeUnit#POINTS}); ≥ 0
     * @return a in [0, 1]
     */
    public static double decayFor(double halfLife, TimeUnit unit, int batchPoints) {
        if (!(halfLife > 0)) {
            throw new IllegalArgumentException("halfLife must be > 0 but was " + halfLife);
        }
        if (unit == null) {
            throw new IllegalArgumentException("unit must not be null");
        }
        if (batchPoints < 0) {
            throw new IllegalArgumentException("batchPoints must be >= 0 but was " + batchPoints);
        }
        double exponent = unit == TimeUnit.BATCHES ? 1.0 / halfLife : batchPoints / halfLife;
        return Math.pow(0.5, exponent);
    }

    /** The most and second most similar segment of one profile. */
    public static Assignment assign(KMeansState state, float[] profile) {
        Vectors.requireDimension(profile, state.dimension(), "profile");
        return assignUnchecked(state.centroidsRef(), profile);
    }

    /** Cosine similarity of {@code profile} to every centroid, by slot; the scores for {@link AssignmentPolicy}. */
    public static double[] similarities(KMeansState state, float[] profile) {
        Vectors.requireDimension(profile, state.dimension(), "profile");
        float[][] c = state.centroidsRef();
        double[] out = new double[c.length];
        for (int k = 0; k < c.length; k++) {
            out[k] = Vectors.dot(c[k], profile);
        }
        return out;
    }

    static Assignment assignUnchecked(float[][] centroids, float[] profile) {
        int best = -1;
        int second = -1;
        double bestSim = Double.NEGATIVE_INFINITY;
        double secondSim = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < centroids.length; k++) {
            double s = Vectors.dot(centroids[k], profile);
            if (s > bestSim) {
                second = best;
                secondSim = bestSim;
                best = k;
                bestSim = s;
            } else if (s > secondSim) {
                second = k;
                secondSim = s;
            }
        }
        return second < 0 ? new Assignment(best, bestSim, -1, -1.0) : new Assignment(best, bestSim, second, secondSim);
    }

    /** Assigns every profile of a batch and sums the members of each segment. */
    public static BatchSummary summarize(KMeansState state, List<float[]> profiles) {
        int d = state.dimension();
        Vectors.requireDimensions(profiles, d, "profiles");
        float[][] c = state.centroidsRef();
        double[][] sums = new double[c.length][d];
        long[] counts = new long[c.length];
        List<Assignment> assignments = new ArrayList<>(profiles.size());
        for (float[] p : profiles) {
            Assignment a = assignUnchecked(c, p);
            Vectors.addScaled(sums[a.segment()], p, 1.0);
            counts[a.segment()]++;
            assignments.add(a);
        }
        return new BatchSummary(sums, counts, assignments);
    }

    /**
     * Folds a batch summary into the state with decay a (see the class comment). Segment ids are unchanged; the
     * version advances by one.
     */
    public static KMeansState update(KMeansState state, BatchSummary batch, double decay) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in [0, 1] but was " + decay);
        }
        int k = state.k();
        int d = state.dimension();
        if (batch.counts().length != k) {
            throw new IllegalArgumentException(
                    "batch must summarise " + k + " segments but had " + batch.counts().length);
        }
        float[][] c = state.centroidsRef();
        float[][] centroids = new float[k][];
        double[] weights = new double[k];
        double[] concentrations = new double[k];
        for (int j = 0; j < k; j++) {
            double[] s = batch.sumRef(j);
            if (s.length != d) {
                throw new IllegalArgumentException(
                        "batch sums[" + j + "] must have dimension " + d + " but had " + s.length);
            }
            double oldWeight = decay * state.weight(j);
            double[] sum = s.clone();
            Vectors.addScaled(sum, c[j], oldWeight * state.concentration(j));
            float[] next = Vectors.normalizeOrNull(sum);
            centroids[j] = next == null ? c[j] : next;
            weights[j] = oldWeight + batch.count(j);
            concentrations[j] = next == null ? state.concentration(j)
                    : Math.min(1.0, Vectors.norm(sum) / Math.max(weights[j], Vectors.NORM_EPSILON));
        }
        return new KMeansState(centroids, weights, concentrations, state.segmentIds(), state.nextSegmentId(),
                state.version() + 1);
    }

    /** {@code update(state, summarize(state, profiles), decay)}. */
    public static KMeansState step(KMeansState state, List<float[]> profiles, double decay) {
        return update(state, summarize(state, profiles), decay);
    }
}

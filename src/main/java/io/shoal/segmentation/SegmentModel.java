package io.shoal.segmentation;

import java.util.Arrays;

import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/**
 * The segment model as both drivers keep it (Redis hash in the service, a field in the in-memory driver): per slot
 * the segment id, the decayed weight n_k and the decayed sum of member profiles S_k (for the GMM also the decayed
 * sum of squares Q_k), when each segment was created, and the fit it descends from. Keeping sums rather than unit
 * centroids makes the per-batch update linear, so one Lua script can apply it atomically: c_k = S_k/|S_k|,
 * concentration r_k = |S_k|/n_k.
 *
 * <h2>Per-batch update ({@link #fold}, the rule {@code apply_batch.lua} mirrors)</h2>
 * <pre>
 *   n_k ← a·n_k + m_k      S_k ← a·S_k + s_k      Q_k ← a·Q_k + q_k      version ← version + 1
 *   points ← points + round(Σ_k m_k)
 * </pre>
 * in float32 for S and Q (what Redis stores), with a the batch's decay and (m_k, s_k, q_k) the batch's member
 * statistics for slot k (see {@link SegmentBatchPlanner.Plan}). A slot whose id changed since the batch was planned
 * only decays (its planned members belonged to another segment); the service refuses such a batch anyway when the
 * generation changed (see {@link #generation}).
 *
 * @param generation    counts the model swaps (seed, refit, rescue): a batch planned on another generation is
 *                      planned again, so no decision made against an old model lands after a swap
 * @param fittedProfiles number of profiled shoppers when the model was last fitted (the growth trigger of
 *                      {@link RefitPolicy})
 * @param fittedAtMillis clock of the driver when the model was last fitted (the time cap of {@link RefitPolicy})
 * @param points        the evidence behind the model: the sample size at seeding plus every member profile folded
 *                      since (Σ m_k per batch, rounded)
 * @param fittedPoints  {@code points} when the model was last fitted (the evidence trigger of {@link RefitPolicy})
 */
public record SegmentModel(Algorithm algorithm, int k, int dimension, long version, long nextSegmentId, long[] ids,
        double[] weights, float[][] sums, float[][] squares, long[] createdMillis, long generation,
        long fittedProfiles, long fittedAtMillis, long points, long fittedPoints) {

    /** A model of generation 0 that was never fitted (tests, benchmarks). */
    public SegmentModel(Algorithm algorithm, int k, int dimension, long version, long nextSegmentId, long[] ids,
            double[] weights, float[][] sums, float[][] squares, long[] createdMillis) {
        this(algorithm, k, dimension, version, nextSegmentId, ids, weights, sums, squares, createdMillis, 0, 0, 0);
    }

    /** A model with fit metadata and no evidence count. */
    public SegmentModel(Algorithm algorithm, int k, int dimension, long version, long nextSegmentId, long[] ids,
            double[] weights, float[][] sums, float[][] squares, long[] createdMillis, long generation,
            long fittedProfiles, long fittedAtMillis) {
        this(algorithm, k, dimension, version, nextSegmentId, ids, weights, sums, squares, createdMillis, generation,
                fittedProfiles, fittedAtMillis, 0, 0);
    }

    public KMeansState kmeans() {
        float[][] centroids = new float[k][dimension];
        double[] concentrations = new double[k];
        for (int j = 0; j < k; j++) {
            double norm = 0;
            for (float x : sums[j]) {
                norm += (double) x * x;
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-12) {
                // An empty slot: any unit vector; its zero weight makes it a rescue candidate.
                centroids[j][j % dimension] = 1f;
            } else {
                for (int i = 0; i < dimension; i++) {
                    centroids[j][i] = (float) (sums[j][i] / norm);
                }
            }
            concentrations[j] = weights[j] <= 1e-12 ? 1.0 : Math.min(1.0, norm / weights[j]);
        }
        return new KMeansState(centroids, weights, concentrations, ids, nextSegmentId, version);
    }

    public GmmState gmm() {
        double[][] s = new double[k][dimension];
        double[][] q = new double[k][dimension];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < dimension; i++) {
                s[j][i] = sums[j][i];
                q[j][i] = squares == null ? 0 : squares[j][i];
            }
        }
        return new GmmState(weights, s, q, version);
    }

    /** The planner's view: the k-means state always, the GMM statistics when the algorithm is GMM. */
    public SegmentBatchPlanner.Model view() {
        return new SegmentBatchPlanner.Model(algorithm, kmeans(), algorithm == Algorithm.GMM ? gmm() : null);
    }

    /**
     * The per-batch update (see the class comment).
     *
     * @param plannedIds the slot ids the batch was planned on (a slot whose id differs now only decays)
     * @param decay      a in [0, 1]
     * @param counts     m_k per slot
     * @param batchSums  s_k per slot
     * @param batchSquares q_k per slot (GMM), or null
     */
    public SegmentModel fold(long[] plannedIds, double decay, double[] counts, double[][] batchSums,
            double[][] batchSquares) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in [0, 1] but was " + decay);
        }
        if (counts.length != k || batchSums.length != k || plannedIds.length != k) {
            throw new IllegalArgumentException("a batch must carry statistics for " + k + " slots but had "
                    + counts.length);
        }
        double[] w = new double[k];
        double folded = 0;
        float[][] s = new float[k][];
        float[][] q = squares == null ? null : new float[k][];
        for (int j = 0; j < k; j++) {
            boolean same = plannedIds[j] == ids[j];
            double m = same ? counts[j] : 0;
            folded += m;
            w[j] = decay * weights[j] + m;
            s[j] = foldVector(sums[j], same && counts[j] > 0 ? batchSums[j] : null, decay);
            if (q != null) {
                q[j] = foldVector(squares[j], same && counts[j] > 0 && batchSquares != null ? batchSquares[j] : null,
                        decay);
            }
        }
        return new SegmentModel(algorithm, k, dimension, version + 1, nextSegmentId, ids, w, s, q, createdMillis,
                generation, fittedProfiles, fittedAtMillis, points + Math.round(folded), fittedPoints);
    }

    private static float[] foldVector(float[] old, double[] add, double decay) {
        float[] out = new float[old.length];
        for (int i = 0; i < old.length; i++) {
            // Same operations as the script: a·old + add, both read as float32 (the batch sums travel as float32).
            double v = decay * old[i];
            if (add != null) {
                v += (float) add[i];
            }
            out[i] = (float) v;
        }
        return out;
    }

    /** The model of a k-means state: S_k = n_k·r_k·c_k. */
    public static SegmentModel fromKMeans(Algorithm algorithm, KMeansState state, long[] createdMillis,
            float[][] squares) {
        int k = state.k();
        int d = state.dimension();
        float[][] sums = new float[k][d];
        for (int j = 0; j < k; j++) {
            float[] c = state.centroid(j);
            double scale = state.weight(j) * state.concentration(j);
            for (int i = 0; i < d; i++) {
                sums[j][i] = (float) (c[i] * scale);
            }
        }
        return new SegmentModel(algorithm, k, d, state.version(), state.nextSegmentId(), state.segmentIds(),
                state.weights(), sums, squares, createdMillis);
    }

    /** The model of a GMM state whose slots carry the given ids. */
    public static SegmentModel fromGmm(GmmState gmm, long[] ids, long nextSegmentId, long[] createdMillis) {
        int k = gmm.k();
        int d = gmm.dimension();
        float[][] sums = new float[k][d];
        float[][] squares = new float[k][d];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < d; i++) {
                sums[j][i] = (float) gmm.sums()[j][i];
                squares[j][i] = (float) gmm.sumSquares()[j][i];
            }
        }
        return new SegmentModel(Algorithm.GMM, k, d, gmm.version(), nextSegmentId, ids, gmm.counts(), sums, squares,
                createdMillis);
    }

    /**
     * This model as the result of a swap: generation {@code nextGeneration}, {@code evidence} points behind it, and
     * the fit baseline of the growth, evidence and age triggers.
     */
    public SegmentModel asFit(long nextGeneration, long evidence, long profilesAtFit, long pointsAtFit,
            long fitMillis) {
        return new SegmentModel(algorithm, k, dimension, version, nextSegmentId, ids, weights, sums, squares,
                createdMillis, nextGeneration, profilesAtFit, fitMillis, evidence, pointsAtFit);
    }

    /** This model as a fresh fit at {@code now}: its baselines are the current profiles and evidence. */
    public SegmentModel asFit(long nextGeneration, long profiles, long nowMillis) {
        return asFit(nextGeneration, points, profiles, points, nowMillis);
    }

    public int slotOf(long segmentId) {
        for (int j = 0; j < k; j++) {
            if (ids[j] == segmentId) {
                return j;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "SegmentModel[" + algorithm + ", k=" + k + ", d=" + dimension + ", version=" + version
                + ", generation=" + generation + ", ids=" + Arrays.toString(ids) + "]";
    }
}

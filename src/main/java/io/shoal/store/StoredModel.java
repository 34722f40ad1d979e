package io.shoal.store;

import java.util.Arrays;

import io.shoal.segmentation.GmmState;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/**
 * The segment model as kept in Redis: per slot the segment id, the decayed weight n_k and the decayed sum of member
 * profiles S_k (and, for the GMM, the decayed sum of squares Q_k), plus when each segment was created.
 * Keeping sums rather than unit centroids makes the per-batch update linear, so one Lua script can apply it
 * atomically: c_k = S_k/|S_k|, concentration r_k = |S_k|/n_k.
 */
public record StoredModel(Algorithm algorithm, int k, int dimension, long version, long nextSegmentId, long[] ids,
        double[] weights, float[][] sums, float[][] squares, long[] createdMillis) {

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

    /** The model of a k-means state: S_k = n_k·r_k·c_k. */
    public static StoredModel fromKMeans(Algorithm algorithm, KMeansState state, long[] createdMillis,
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
        return new StoredModel(algorithm, k, d, state.version(), state.nextSegmentId(), state.segmentIds(),
                state.weights(), sums, squares, createdMillis);
    }

    /** The model of a GMM state whose slots carry the given ids. */
    public static StoredModel fromGmm(GmmState gmm, long[] ids, long nextSegmentId, long[] createdMillis) {
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
        return new StoredModel(Algorithm.GMM, k, d, gmm.version(), nextSegmentId, ids, gmm.counts(), sums, squares,
                createdMillis);
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
        return "StoredModel[" + algorithm + ", k=" + k + ", d=" + dimension + ", version=" + version + ", ids="
                + Arrays.toString(ids) + "]";
    }
}

package io.shoal.segmentation;

import java.util.Arrays;

/**
 * The state of the online diagonal Gaussian mixture: decayed sufficient statistics per component. Means, variances
 * and mixing weights are derived from it by {@link OnlineGmm}. Immutable: arrays are copied in and out.
 *
 * @param counts N_k, the decayed sum of responsibilities of component k; ≥ 0
 * @param sums S_k, the decayed responsibility-weighted sum of x, per dimension
 * @param sumSquares Q_k, the decayed responsibility-weighted sum of x², per dimension
 * @param version incremented by every update
 */
public record GmmState(double[] counts, double[][] sums, double[][] sumSquares, long version) {

    public GmmState {
        if (counts == null || counts.length == 0) {
            throw new IllegalArgumentException("counts must hold at least one component");
        }
        int k = counts.length;
        if (sums == null || sums.length != k || sumSquares == null || sumSquares.length != k) {
            throw new IllegalArgumentException("sums and sumSquares must have one row per component (" + k + ")");
        }
        int d = sums[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("sums must have dimension > 0");
        }
        for (int j = 0; j < k; j++) {
            if (!(counts[j] >= 0) || Double.isInfinite(counts[j])) {
                throw new IllegalArgumentException("counts[" + j + "] must be finite and >= 0 but was " + counts[j]);
            }
            if (sums[j].length != d || sumSquares[j].length != d) {
                throw new IllegalArgumentException("sums[" + j + "] and sumSquares[" + j + "] must have dimension "
                        + d + " but had " + sums[j].length + " and " + sumSquares[j].length);
            }
        }
        counts = counts.clone();
        sums = Vectors.deepCopy(sums);
        sumSquares = Vectors.deepCopy(sumSquares);
    }

    public int k() {
        return counts.length;
    }

    public int dimension() {
        return sums[0].length;
    }

    @Override
    public double[] counts() {
        return counts.clone();
    }

    @Override
    public double[][] sums() {
        return Vectors.deepCopy(sums);
    }

    @Override
    public double[][] sumSquares() {
        return Vectors.deepCopy(sumSquares);
    }

    double count(int k) {
        return counts[k];
    }

    double[] sumRef(int k) {
        return sums[k];
    }

    double[] sumSquaresRef(int k) {
        return sumSquares[k];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GmmState other
                && Arrays.equals(counts, other.counts)
                && Arrays.deepEquals(sums, other.sums)
                && Arrays.deepEquals(sumSquares, other.sumSquares)
                && version == other.version;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + Arrays.deepHashCode(sums) * 17 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "GmmState[k=" + counts.length + ", dimension=" + sums[0].length + ", counts="
                + Arrays.toString(counts) + ", version=" + version + "]";
    }
}

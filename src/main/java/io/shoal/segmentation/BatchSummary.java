package io.shoal.segmentation;

import java.util.Arrays;
import java.util.List;

/**
 * What one micro-batch contributes to the k-means state: per segment the sum of the member profiles and their
 * count, plus each profile's assignment (in batch order). Immutable.
 *
 * @param sums s_k, the sum of the unit profiles assigned to segment k (not normalised)
 * @param counts m_k, the number of profiles assigned to segment k
 * @param assignments the assignment of each profile, in the order given to {@link StreamingKMeans#summarize}
 */
public record BatchSummary(double[][] sums, long[] counts, List<Assignment> assignments) {

    public BatchSummary {
        if (sums == null || counts == null || sums.length != counts.length) {
            throw new IllegalArgumentException("sums and counts must have one entry per segment");
        }
        sums = Vectors.deepCopy(sums);
        counts = counts.clone();
        assignments = List.copyOf(assignments);
    }

    @Override
    public double[][] sums() {
        return Vectors.deepCopy(sums);
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Number of profiles in the batch. */
    public int size() {
        return assignments.size();
    }

    double[] sumRef(int k) {
        return sums[k];
    }

    long count(int k) {
        return counts[k];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchSummary other
                && Arrays.deepEquals(sums, other.sums)
                && Arrays.equals(counts, other.counts)
                && assignments.equals(other.assignments);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(sums) * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "BatchSummary[counts=" + Arrays.toString(counts) + ", size=" + assignments.size() + "]";
    }
}

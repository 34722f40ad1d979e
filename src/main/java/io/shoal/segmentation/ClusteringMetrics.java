package io.shoal.segmentation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Quality measures for segmentations.
 *
 * <ul>
 * <li>External (against reference labels; invariant to renaming labels): adjusted Rand index, normalised mutual
 * information and adjusted mutual information, by default with the arithmetic-mean normaliser (scikit-learn's
 * default since 0.22; scikit-learn up to 0.21 used {@link Normalizer#MAX} for AMI, which is why older documents
 * quote AMI = 0.2250 for [0,0,0,1,1,1] vs [0,0,1,1,2,2], where the arithmetic AMI is 0.2988).
 * AMI subtracts the mutual information expected under the hypergeometric model of random labelings (Vinh, Epps and
 * Bailey, 2010), computed exactly with log-factorials.</li>
 * <li>Internal (on cosine distance 1 - cos between unit vectors): silhouette, Davies-Bouldin and the within-cluster
 * cost Σ (1 - cos(x, c_label)).</li>
 * </ul>
 * Labels are arbitrary ints (negative too); mutual information uses natural logarithms.
 *
 * <p>Conventions at the degenerate ends, as in scikit-learn: ARI, NMI and AMI are 1 when both labelings put every
 * point in one cluster; ARI and AMI are 1 when both put every point in its own cluster.
 */
public final class ClusteringMetrics {

    /** How NMI and AMI average the two entropies H(true) and H(pred) in their normaliser. */
    public enum Normalizer {
        MIN,
        GEOMETRIC,
        ARITHMETIC,
        MAX;

        double of(double a, double b) {
            return switch (this) {
                case MIN -> Math.min(a, b);
                case GEOMETRIC -> Math.sqrt(a * b);
                case ARITHMETIC -> (a + b) / 2;
                case MAX -> Math.max(a, b);
            };
        }
    }

    private ClusteringMetrics() {
    }

    /** Adjusted Rand index: 1 for identical partitions, about 0 for independent ones, may be negative. */
    public static double adjustedRandIndex(int[] labelsTrue, int[] labelsPred) {
        Contingency t = new Contingency(labelsTrue, labelsPred);
        double sumCells = 0;
        for (long[] row : t.table) {
            for (long nij : row) {
                sumCells += pairs(nij);
            }
        }
        double sumRows = 0;
        for (long a : t.rowSums) {
            sumRows += pairs(a);
        }
        double sumCols = 0;
        for (long b : t.colSums) {
            sumCols += pairs(b);
        }
        double expected = sumRows * sumCols / pairs(t.n);
        double mean = (sumRows + sumCols) / 2;
        if (mean == expected) {
            return 1.0;
        }
        return (sumCells - expected) / (mean - expected);
    }

    /** Mutual information of two labelings, in nats. */
    public static double mutualInformation(int[] labelsTrue, int[] labelsPred) {
        return new Contingency(labelsTrue, labelsPred).mutualInformation();
    }

    /** Normalised mutual information with the arithmetic mean, MI / ((H(true) + H(pred)) / 2). */
    public static double normalizedMutualInformation(int[] labelsTrue, int[] labelsPred) {
        return normalizedMutualInformation(labelsTrue, labelsPred, Normalizer.ARITHMETIC);
    }

    /** Normalised mutual information, MI / mean(H(true), H(pred)) with the given mean. */
    public static double normalizedMutualInformation(int[] labelsTrue, int[] labelsPred, Normalizer mean) {
        Contingency t = new Contingency(labelsTrue, labelsPred);
        if (t.rowSums.length == 1 && t.colSums.length == 1) {
            return 1.0;
        }
        double normalizer = mean.of(entropy(t.rowSums, t.n), entropy(t.colSums, t.n));
        return normalizer <= 0 ? 0.0 : t.mutualInformation() / normalizer;
    }

    /** Adjusted mutual information with the arithmetic mean (scikit-learn's default). */
    public static double adjustedMutualInformation(int[] labelsTrue, int[] labelsPred) {
        return adjustedMutualInformation(labelsTrue, labelsPred, Normalizer.ARITHMETIC);
    }

    /** Adjusted mutual information, (MI - E[MI]) / (mean(H(true), H(pred)) - E[MI]) with the given mean. */
    public static double adjustedMutualInformation(int[] labelsTrue, int[] labelsPred, Normalizer mean) {
        Contingency t = new Contingency(labelsTrue, labelsPred);
        if (t.rowSums.length == t.colSums.length && (t.rowSums.length == 1 || t.rowSums.length == t.n)) {
            return 1.0;
        }
        double mi = t.mutualInformation();
        double emi = expectedMutualInformation(t.rowSums, t.colSums, t.n);
        double normalizer = mean.of(entropy(t.rowSums, t.n), entropy(t.colSums, t.n));
        double denominator = normalizer - emi;
        double eps = Math.ulp(1.0);
        denominator = denominator < 0 ? Math.min(denominator, -eps) : Math.max(denominator, eps);
        return (mi - emi) / denominator;
    }

    /**
     * Mean silhouette on cosine distance over all points. Points in singleton clusters score 0; with fewer than two
     * clusters the silhouette is undefined and this throws.
     */
    public static double silhouette(List<float[]> vectors, int[] labels) {
        return silhouette(vectors, labels, vectors.size(), 0L);
    }

    /**
     * Mean silhouette on cosine distance over a random sample of {@code sampleSize} points (each scored against all
     * points), for large sets; seeded for reproducibility. O(sampleSize · n · d).
     */
    public static double silhouette(List<float[]> vectors, int[] labels, int sampleSize, long seed) {
        checkSizes(vectors, labels);
        int n = vectors.size();
        if (sampleSize < 1) {
            throw new IllegalArgumentException("sampleSize must be >= 1 but was " + sampleSize);
        }
        int[] dense = dense(labels);
        int k = 0;
        for (int label : dense) {
            k = Math.max(k, label + 1);
        }
        if (k < 2) {
            throw new IllegalArgumentException("silhouette needs at least 2 clusters but had " + k);
        }
        long[] sizes = new long[k];
        for (int label : dense) {
            sizes[label]++;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int m = Math.min(sampleSize, n);
        if (m < n) {
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = 0; i < m; i++) {
                int j = i + rng.nextInt(n - i);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        double total = 0;
        for (int s = 0; s < m; s++) {
            int i = order[s];
            int own = dense[i];
            if (sizes[own] == 1) {
                continue;
            }
            double[] distanceSums = new double[k];
            float[] x = vectors.get(i);
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    distanceSums[dense[j]] += 1 - Vectors.dot(x, vectors.get(j));
                }
            }
            double a = distanceSums[own] / (sizes[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c != own && sizes[c] > 0) {
                    b = Math.min(b, distanceSums[c] / sizes[c]);
                }
            }
            double denominator = Math.max(a, b);
            total += denominator > 0 ? (b - a) / denominator : 0;
        }
        return total / m;
    }

    /**
     * Davies-Bouldin index on cosine distance (lower is better): with c_i the normalised mean of cluster i and S_i
     * the mean 1 - cos(x, c_i) of its members, DB = mean_i max_{j≠i} (S_i + S_j) / (1 - cos(c_i, c_j)). Two clusters
     * with the same centroid make it infinite.
     */
    public static double daviesBouldin(List<float[]> vectors, int[] labels) {
        checkSizes(vectors, labels);
        int[] dense = dense(labels);
        int k = 0;
        for (int label : dense) {
            k = Math.max(k, label + 1);
        }
        if (k < 2) {
            throw new IllegalArgumentException("daviesBouldin needs at least 2 clusters but had " + k);
        }
        float[][] centroids = centroids(vectors, dense, k);
        double[] scatter = new double[k];
        long[] sizes = new long[k];
        for (int i = 0; i < dense.length; i++) {
            scatter[dense[i]] += 1 - Vectors.dot(centroids[dense[i]], vectors.get(i));
            sizes[dense[i]]++;
        }
        for (int c = 0; c < k; c++) {
            scatter[c] /= sizes[c];
        }
        double total = 0;
        for (int i = 0; i < k; i++) {
            double worst = 0;
            for (int j = 0; j < k; j++) {
                if (j != i) {
                    double separation = 1 - Vectors.dot(centroids[i], centroids[j]);
                    worst = Math.max(worst, separation > 0 ? (scatter[i] + scatter[j]) / separation
                            : Double.POSITIVE_INFINITY);
                }
            }
            total += worst;
        }
        return total / k;
    }

    /** Σ (1 - cos(x, c_label)) with c_label the normalised mean of each label's members. */
    public static double withinClusterCost(List<float[]> vectors, int[] labels) {
        checkSizes(vectors, labels);
        int[] dense = dense(labels);
        int k = 0;
        for (int label : dense) {
            k = Math.max(k, label + 1);
        }
        float[][] centroids = centroids(vectors, dense, k);
        double cost = 0;
        for (int i = 0; i < dense.length; i++) {
            cost += 1 - Vectors.dot(centroids[dense[i]], vectors.get(i));
        }
        return cost;
    }

    /** Σ_x (1 - max_k cos(x, c_k)): the k-means objective of a state on a set of profiles. */
    public static double withinClusterCost(List<float[]> vectors, KMeansState state) {
        Vectors.requireDimensions(vectors, state.dimension(), "vectors");
        return KMeansSeeder.cost(vectors.toArray(new float[0][]), state.centroidsRef());
    }

    /**
     * Label-matching scores against reference labels, from {@link #matchedScores}.
     *
     * @param accuracy matched points / all points
     * @param precision mean over the true classes of matched points / size of the class's segment
     * @param recall mean over the true classes of matched points / size of the class
     * @param f1 mean over the true classes of the harmonic mean of the two
     */
    public record MatchedScores(double accuracy, double precision, double recall, double f1) {
    }

    /**
     * Accuracy and macro precision, recall and F1 after the best one-to-one matching of predicted segments to true
     * classes.
     *
     * <p>Rule: with n_ij the number of points of true class i in predicted segment j, a_i = Σ_j n_ij the class sizes,
     * b_j = Σ_i n_ij the segment sizes and N the number of points, the matching π pairs min(#classes, #segments)
     * classes with distinct segments so as to maximise the matched points Σ_i n_iπ(i) ({@link OptimalAssignment} on
     * the contingency table). Then accuracy = Σ_i n_iπ(i) / N and, per true class i, precision_i = n_iπ(i) / b_π(i),
     * recall_i = n_iπ(i) / a_i and F1_i = 2 n_iπ(i) / (a_i + b_π(i)); precision, recall and F1 are their unweighted
     * means over all true classes. A class left without a segment (more classes than segments) scores 0 on all three,
     * as does a class matched to a segment that holds none of its points.
     *
     * <p>Boundary values: labelings equal up to renaming score 1 everywhere; extra segments leave their points
     * unmatched, lowering accuracy and recall but not precision; a single segment for everything gives accuracy =
     * the largest class share and scores only that class.
     *
     * <p>Ties: every matching with the most matched points gives the same accuracy, but the macro scores may differ
     * between them. The one chosen is fixed by {@link OptimalAssignment}'s deterministic tie-breaking, with classes
     * and segments indexed in order of their first appearance in the labelings.
     */
    public static MatchedScores matchedScores(int[] labelsTrue, int[] labelsPred) {
        Contingency t = new Contingency(labelsTrue, labelsPred);
        int classes = t.rowSums.length;
        double[][] counts = new double[classes][t.colSums.length];
        for (int i = 0; i < classes; i++) {
            for (int j = 0; j < t.colSums.length; j++) {
                counts[i][j] = t.table[i][j];
            }
        }
        int[] segmentOf = OptimalAssignment.maximize(counts);
        long matched = 0;
        double precision = 0;
        double recall = 0;
        double f1 = 0;
        for (int i = 0; i < classes; i++) {
            int j = segmentOf[i];
            if (j < 0) {
                continue;
            }
            long nij = t.table[i][j];
            matched += nij;
            precision += (double) nij / t.colSums[j];
            recall += (double) nij / t.rowSums[i];
            f1 += 2.0 * nij / (t.rowSums[i] + t.colSums[j]);
        }
        return new MatchedScores((double) matched / t.n, precision / classes, recall / classes, f1 / classes);
    }

    private static float[][] centroids(List<float[]> vectors, int[] dense, int k) {
        int d = vectors.isEmpty() ? 0 : vectors.get(0).length;
        double[][] sums = new double[k][d];
        for (int i = 0; i < dense.length; i++) {
            Vectors.addScaled(sums[dense[i]], vectors.get(i), 1.0);
        }
        float[][] centroids = new float[k][];
        for (int c = 0; c < k; c++) {
            centroids[c] = Vectors.normalizeOrNull(sums[c]);
            if (centroids[c] == null) {
                centroids[c] = new float[d];
            }
        }
        return centroids;
    }

    private static void checkSizes(List<float[]> vectors, int[] labels) {
        if (vectors == null || labels == null || vectors.size() != labels.length) {
            throw new IllegalArgumentException("vectors and labels must have the same size but had "
                    + (vectors == null ? "null" : vectors.size()) + " and "
                    + (labels == null ? "null" : labels.length));
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("vectors must be non-empty");
        }
        Vectors.requireDimensions(vectors, vectors.get(0).length, "vectors");
    }

    /** Labels renamed to 0..k-1 in order of first appearance. */
    private static int[] dense(int[] labels) {
        Map<Integer, Integer> ids = new HashMap<>();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = ids.computeIfAbsent(labels[i], l -> ids.size());
        }
        return out;
    }

    private static double pairs(long n) {
        return n * (n - 1) / 2.0;
    }

    private static double entropy(long[] sizes, long n) {
        double h = 0;
        for (long s : sizes) {
            if (s > 0) {
                double p = (double) s / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** E[MI] under random labelings with the given cluster sizes (Vinh et al. 2010, eq. 24a). */
    private static double expectedMutualInformation(long[] a, long[] b, long n) {
        double[] logFactorial = new double[(int) n + 1];
        for (int i = 2; i <= n; i++) {
            logFactorial[i] = logFactorial[i - 1] + Math.log(i);
        }
        double emi = 0;
        for (long ai : a) {
            for (long bj : b) {
                long start = Math.max(1, ai + bj - n);
                long end = Math.min(ai, bj);
                double constant = logFactorial[(int) ai] + logFactorial[(int) bj] + logFactorial[(int) (n - ai)]
                        + logFactorial[(int) (n - bj)] - logFactorial[(int) n];
                for (long nij = start; nij <= end; nij++) {
                    double logProbability = constant - logFactorial[(int) nij] - logFactorial[(int) (ai - nij)]
                            - logFactorial[(int) (bj - nij)] - logFactorial[(int) (n - ai - bj + nij)];
                    double term = (double) nij / n * Math.log((double) n * nij / ((double) ai * bj));
                    emi += term * Math.exp(logProbability);
                }
            }
        }
        return emi;
    }

    private static final class Contingency {
        final long[][] table;
        final long[] rowSums;
        final long[] colSums;
        final long n;

        Contingency(int[] labelsTrue, int[] labelsPred) {
            if (labelsTrue == null || labelsPred == null || labelsTrue.length != labelsPred.length) {
                throw new IllegalArgumentException("labelings must have the same length but had "
                        + (labelsTrue == null ? "null" : labelsTrue.length) + " and "
                        + (labelsPred == null ? "null" : labelsPred.length));
            }
            if (labelsTrue.length == 0) {
                throw new IllegalArgumentException("labelings must be non-empty");
            }
            int[] rows = dense(labelsTrue);
            int[] cols = dense(labelsPred);
            int r = 0;
            int c = 0;
            for (int i = 0; i < rows.length; i++) {
                r = Math.max(r, rows[i] + 1);
                c = Math.max(c, cols[i] + 1);
            }
            table = new long[r][c];
            rowSums = new long[r];
            colSums = new long[c];
            for (int i = 0; i < rows.length; i++) {
                table[rows[i]][cols[i]]++;
                rowSums[rows[i]]++;
                colSums[cols[i]]++;
            }
            n = labelsTrue.length;
        }

        double mutualInformation() {
            double mi = 0;
            for (int i = 0; i < table.length; i++) {
                for (int j = 0; j < table[i].length; j++) {
                    long nij = table[i][j];
                    if (nij > 0) {
                        mi += (double) nij / n * Math.log((double) n * nij / ((double) rowSums[i] * colSums[j]));
                    }
                }
            }
            return Math.max(0, mi);
        }
    }
}

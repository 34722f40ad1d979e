package io.shoal.evaluation;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * The offline optimum the online segments are compared with: batch k-means (Apache Commons Math
 * {@link KMeansPlusPlusClusterer}, Euclidean on the unit profiles, so that |x - m|² = |m|² - 2·x·m ranks clusters
 * almost as cosine does) with several k-means++ restarts, the best by sum of cluster variances.
 */
public final class BatchKMeans {

    private final int restarts;
    private final int maxIterations;
    private final long seed;

    /**
     * @param restarts      k-means++ runs to keep the best of; ≥ 1
     * @param maxIterations Lloyd iterations per run at most; ≥ 1
     */
    public BatchKMeans(int restarts, int maxIterations, long seed) {
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be >= 1 but was " + restarts);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1 but was " + maxIterations);
        }
        this.restarts = restarts;
        this.maxIterations = maxIterations;
        this.seed = seed;
    }

    /** Cluster labels 0..k-1 of the vectors (fewer distinct labels when there are fewer distinct points). */
    public int[] cluster(List<float[]> vectors, int k) {
        if (vectors.size() < k) {
            throw new IllegalArgumentException(
                    "batch k-means needs at least k = " + k + " profiles but had " + vectors.size());
        }
        List<DoublePoint> points = new ArrayList<>(vectors.size());
        Map<DoublePoint, Integer> index = new IdentityHashMap<>();
        for (float[] v : vectors) {
            double[] p = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                p[i] = v[i];
            }
            DoublePoint point = new DoublePoint(p);
            index.put(point, points.size());
            points.add(point);
        }
        KMeansPlusPlusClusterer<DoublePoint> single = new KMeansPlusPlusClusterer<>(k, maxIterations,
                new EuclideanDistance(), new JDKRandomGenerator((int) seed),
                KMeansPlusPlusClusterer.EmptyClusterStrategy.LARGEST_POINTS_NUMBER);
        List<CentroidCluster<DoublePoint>> clusters = new MultiKMeansPlusPlusClusterer<>(single, restarts)
                .cluster(points);
        int[] labels = new int[vectors.size()];
        for (int c = 0; c < clusters.size(); c++) {
            for (DoublePoint p : clusters.get(c).getPoints()) {
                labels[index.get(p)] = c;
            }
        }
        return labels;
    }
}

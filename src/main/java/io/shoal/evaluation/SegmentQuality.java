package io.shoal.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.shoal.segmentation.ClusteringMetrics;

/**
 * How good one segmentation of a set of profiles is, alone and against batch k-means on the same profiles.
 *
 * @param users          profiles scored
 * @param segments       distinct segments among them
 * @param silhouette     mean silhouette on cosine distance over a seeded sample, in [-1, 1] (higher is better)
 * @param daviesBouldin  Davies-Bouldin index on cosine distance (lower is better)
 * @param sizes          segment sizes, largest first
 * @param cost           within-segment cosine cost Σ (1 - cos(x, normalised segment mean))
 * @param batchCost      the same cost of batch k-means' clusters
 * @param costRatio      batchCost / cost: 1 = as tight as batch k-means; the goal is ≥ 0.95
 * @param ariVsBatch     adjusted Rand index between the segments and the batch clusters
 */
public record SegmentQuality(int users, int segments, double silhouette, double daviesBouldin, int[] sizes,
        double cost, double batchCost, double costRatio, double ariVsBatch) {

    /** Points scored by the silhouette (each against all points). */
    public static final int SILHOUETTE_SAMPLE = 2_000;

    /**
     * @param vectors     the profiles
     * @param labels      their segments (any ints)
     * @param batchLabels batch k-means clusters of the same profiles
     */
    public static SegmentQuality of(List<float[]> vectors, int[] labels, int[] batchLabels, long seed) {
        int[] dense = dense(labels);
        int segments = Arrays.stream(dense).max().orElse(-1) + 1;
        int[] sizes = new int[segments];
        for (int l : dense) {
            sizes[l]++;
        }
        int[] sorted = Arrays.stream(sizes).boxed().sorted((a, b) -> b - a).mapToInt(Integer::intValue).toArray();
        double silhouette = segments >= 2 ? ClusteringMetrics.silhouette(vectors, dense,
                Math.min(SILHOUETTE_SAMPLE, vectors.size()), seed) : Double.NaN;
        double db = segments >= 2 ? ClusteringMetrics.daviesBouldin(vectors, dense) : Double.NaN;
        double cost = ClusteringMetrics.withinClusterCost(vectors, dense);
        double batchCost = ClusteringMetrics.withinClusterCost(vectors, batchLabels);
        return new SegmentQuality(vectors.size(), segments, silhouette, db, sorted, cost, batchCost,
                costRatio(batchCost, cost), ClusteringMetrics.adjustedRandIndex(batchLabels, dense));
    }

    /** batchCost / onlineCost, guarded: two perfect clusterings (cost 0) are equally good. */
    public static double costRatio(double batchCost, double onlineCost) {
        if (onlineCost <= 1e-12) {
            return 1.0;
        }
        return batchCost / onlineCost;
    }

    /** Labels renumbered 0..n-1 in order of first appearance. */
    static int[] dense(int[] labels) {
        Map<Integer, Integer> ids = new HashMap<>();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = ids.computeIfAbsent(labels[i], x -> ids.size());
        }
        return out;
    }

    /** Labels of string classes, for AMI. */
    static int[] dense(List<String> classes) {
        Map<String, Integer> ids = new HashMap<>();
        int[] out = new int[classes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.computeIfAbsent(classes.get(i), x -> ids.size());
        }
        return out;
    }

    /** The segmented users of an engine, in a fixed order: ids, profile vectors and segment labels. */
    public record Snapshot(List<String> userIds, List<float[]> vectors, int[] labels) {

        public static Snapshot of(InMemoryDriver engine) {
            List<String> ids = new ArrayList<>();
            engine.users().forEach((u, s) -> {
                if (s.profile() != null && s.segmentId() != null) {
                    ids.add(u);
                }
            });
            ids.sort(null);
            List<float[]> vectors = new ArrayList<>(ids.size());
            int[] labels = new int[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                var s = engine.users().get(ids.get(i));
                vectors.add(s.profile().vector());
                labels[i] = Math.toIntExact(s.segmentId());
            }
            return new Snapshot(ids, vectors, labels);
        }
    }
}

package io.shoal.segmentation;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Seeds the spherical k-means model from a sample of profiles, and refines an existing model on a recent sample.
 *
 * <h2>Seeding</h2>
 * Each restart draws k centroids by k-means++ (the first uniformly, each next one with probability proportional to
 * D(x)², where D(x) = 1 - cos(x, nearest chosen centroid)), then runs a few spherical Lloyd iterations (assign every
 * point to its most similar centroid, set each centroid to the normalised sum of its members; an emptied centroid
 * is moved to the point worst served). The restart with the lowest cost
 *
 * <pre>
 *   cost = Σ_x (1 - max_k cos(x, c_k))
 * </pre>
 * wins, and is then iterated until no assignment changes (at most {@value #POLISH_ITERATIONS} iterations). Many
 * restarts matter: on real product titles a single k-means++ draw found the best clustering only about 5%
 * of the time, and streaming k-means seeded once reached an ARI of about 0.73 against 0.99 for batch k-means.
 *
 * <p>Reproducible: restart r draws from the r-th {@link SplittableRandom#split()} of {@code new
 * SplittableRandom(seed)}, so the first restart is the same whatever the number of restarts, and more restarts never
 * give a higher cost for the same seed.
 *
 * <h2>Refinement</h2>
 * {@link #refine} runs spherical Lloyd iterations from the current centroids and keeps segment identity: centroid k
 * stays in slot k with its id and weight; a slot that attracts no sample point keeps its centroid. It reports how
 * far each centroid moved (1 - cos(old, new)), so the caller can log drift or decide to re-seed.
 */
public final class KMeansSeeder {

    /** Most Lloyd iterations for the winning restart and for a refinement, which stop when no assignment changes. */
    public static final int POLISH_ITERATIONS = 100;

    private final int restarts;
    private final int lloydIterations;

    /**
     * @param restarts number of k-means++ draws to keep the best of; ≥ 1
     * @param lloydIterations spherical Lloyd iterations after each draw; ≥ 0
     */
    public KMeansSeeder(int restarts, int lloydIterations) {
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be >= 1 but was " + restarts);
        }
        if (lloydIterations < 0) {
            throw new IllegalArgumentException("lloydIterations must be >= 0 but was " + lloydIterations);
        }
        this.restarts = restarts;
        this.lloydIterations = lloydIterations;
    }

    /**
     * The result of seeding.
     *
     * @param state the first model: ids 0..k-1, weights = number of sample points per segment, concentrations
     *        from those points, version 0
     * @param cost Σ (1 - cos) of the sample to its nearest centroid
     * @param bestRestart which restart (0-based) won
     */
    public record SeedResult(KMeansState state, double cost, int bestRestart) {
    }

    /**
     * The result of a refinement.
     *
     * @param state the refined model: same ids and weights, concentrations from the sample where a slot has
     *        members, version + 1
     * @param moved 1 - cos(old c_k, new c_k) per slot; 0 for a slot that kept its centroid
     * @param cost Σ (1 - cos) of the sample to its nearest refined centroid
     */
    public record Refinement(KMeansState state, double[] moved, double cost) {
        public Refinement {
            moved = moved.clone();
        }

        @Override
        public double[] moved() {
            return moved.clone();
        }
    }

    /**
     * Seeds k segments from a sample of unit profiles.
     *
     * @param sample at least k unit vectors of one dimension
     * @param k number of segments; ≥ 1
     * @param seed makes the result reproducible
     */
    public SeedResult seed(List<float[]> sample, int k, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 but was " + k);
        }
        if (sample == null || sample.size() < k) {
            throw new IllegalArgumentException("sample must hold at least k = " + k + " profiles but had "
                    + (sample == null ? 0 : sample.size()));
        }
        int d = sample.get(0).length;
        Vectors.requireDimensions(sample, d, "sample");
        float[][] points = sample.toArray(new float[0][]);

        SplittableRandom root = new SplittableRandom(seed);
        float[][] best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        int bestRestart = -1;
        for (int r = 0; r < restarts; r++) {
            RandomGenerator rng = root.split();
            float[][] centroids = kMeansPlusPlus(points, k, rng);
            for (int it = 0; it < lloydIterations; it++) {
                if (!lloydStep(points, centroids, true)) {
                    break;
                }
            }
            double cost = cost(points, centroids);
            if (cost < bestCost) {
                bestCost = cost;
                best = centroids;
                bestRestart = r;
            }
        }
        // Polish the winner to convergence: restarts are ranked after a few iterations (cheap), the one kept is run
        // until no assignment changes (measured on Online Retail: ARI against batch k-means 0.41 -> 0.49).
        for (int it = 0; it < POLISH_ITERATIONS; it++) {
            if (!lloydStep(points, best, true)) {
                break;
            }
        }
        bestCost = cost(points, best);
        Members members = Members.of(points, best);
        double[] concentrations = new double[k];
        for (int c = 0; c < k; c++) {
            concentrations[c] = members.counts[c] > 0 ? members.concentration(c) : 1.0;
        }
        KMeansState state = new KMeansState(best, members.counts, concentrations, sequentialIds(k), k, 0);
        return new SeedResult(state, bestCost, bestRestart);
    }

    /**
     * Runs up to {@code iterations} spherical Lloyd iterations from the current centroids, keeping every segment in
     * its slot (see the class comment). Stops early when no assignment changes.
     */
    public static Refinement refine(KMeansState state, List<float[]> sample, int iterations) {
        return refine(state, sample, iterations, new boolean[state.k()]);
    }

    /**
     * As {@link #refine(KMeansState, List, int)}, with the slots marked in {@code pinned} held where they are: they
     * take members like any centroid but do not move (seeded segments: their centroid is their examples').
     */
    public static Refinement refine(KMeansState state, List<float[]> sample, int iterations, boolean[] pinned) {
        if (pinned.length != state.k()) {
            throw new IllegalArgumentException("one pinned flag per slot expected but got " + pinned.length);
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0 but was " + iterations);
        }
        Vectors.requireDimensions(sample, state.dimension(), "sample");
        float[][] points = sample.toArray(new float[0][]);
        float[][] before = state.centroidsRef();
        float[][] centroids = Vectors.deepCopy(before);
        for (int it = 0; it < iterations; it++) {
            if (!lloydStep(points, centroids, false, pinned)) {
                break;
            }
        }
        double[] moved = new double[centroids.length];
        Members members = Members.of(points, centroids);
        double[] concentrations = state.concentrations();
        for (int k = 0; k < centroids.length; k++) {
            moved[k] = Math.max(0, 1 - Vectors.dot(before[k], centroids[k]));
            if (members.counts[k] > 0) {
                concentrations[k] = members.concentration(k);
            }
        }
        KMeansState refined = new KMeansState(centroids, state.weights(), concentrations, state.segmentIds(),
                state.nextSegmentId(), state.version() + 1);
        return new Refinement(refined, moved, cost(points, centroids));
    }

    private static float[][] kMeansPlusPlus(float[][] points, int k, RandomGenerator rng) {
        int n = points.length;
        float[][] centroids = new float[k][];
        centroids[0] = points[rng.nextInt(n)].clone();
        double[] distance = new double[n];
        for (int i = 0; i < n; i++) {
            distance[i] = cosineDistance(points[i], centroids[0]);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double x : distance) {
                total += x * x;
            }
            int chosen;
            if (total > 0) {
                double target = rng.nextDouble() * total;
                chosen = n - 1;
                for (int i = 0; i < n; i++) {
                    target -= distance[i] * distance[i];
                    if (target < 0) {
                        chosen = i;
                        break;
                    }
                }
            } else {
                // Fewer distinct points than k: any point; the duplicate centroid stays empty.
                chosen = rng.nextInt(n);
            }
            centroids[c] = points[chosen].clone();
            for (int i = 0; i < n; i++) {
                distance[i] = Math.min(distance[i], cosineDistance(points[i], centroids[c]));
            }
        }
        return centroids;
    }

    /**
     * One spherical Lloyd iteration in place. Empty clusters move to the worst-served point when
     * {@code reseedEmpty}, else keep their centroid.
     *
     * @return whether any centroid changed
     */
    private static boolean lloydStep(float[][] points, float[][] centroids, boolean reseedEmpty) {
        return lloydStep(points, centroids, reseedEmpty, new boolean[centroids.length]);
    }

    private static boolean lloydStep(float[][] points, float[][] centroids, boolean reseedEmpty, boolean[] pinned) {
        int k = centroids.length;
        int d = centroids[0].length;
        double[][] sums = new double[k][d];
        int[] counts = new int[k];
        int worst = -1;
        double worstDistance = -1;
        for (int i = 0; i < points.length; i++) {
            int label = Vectors.nearest(centroids, points[i]);
            Vectors.addScaled(sums[label], points[i], 1.0);
            counts[label]++;
            double dist = cosineDistance(points[i], centroids[label]);
            if (dist > worstDistance) {
                worstDistance = dist;
                worst = i;
            }
        }
        boolean changed = false;
        for (int c = 0; c < k; c++) {
            if (pinned[c]) {
                continue;
            }
            float[] next = counts[c] > 0 ? Vectors.normalizeOrNull(sums[c]) : null;
            if (next == null && reseedEmpty && counts[c] == 0 && worst >= 0 && worstDistance > 0) {
                next = points[worst].clone();
                worstDistance = 0;
            }
            if (next != null && !Arrays.equals(next, centroids[c])) {
                centroids[c] = next;
                changed = true;
            }
        }
        return changed;
    }

    private static long[] sequentialIds(int k) {
        long[] ids = new long[k];
        Arrays.setAll(ids, i -> i);
        return ids;
    }

    /** Member counts and sums of the points nearest to each centroid. */
    private record Members(double[] counts, double[][] sums) {

        static Members of(float[][] points, float[][] centroids) {
            double[] counts = new double[centroids.length];
            double[][] sums = new double[centroids.length][centroids[0].length];
            for (float[] p : points) {
                int label = Vectors.nearest(centroids, p);
                counts[label]++;
                Vectors.addScaled(sums[label], p, 1.0);
            }
            return new Members(counts, sums);
        }

        double concentration(int c) {
            return Math.min(1.0, Vectors.norm(sums[c]) / counts[c]);
        }
    }

    static double cost(float[][] points, float[][] centroids) {
        double cost = 0;
        for (float[] p : points) {
            cost += cosineDistance(p, centroids[Vectors.nearest(centroids, p)]);
        }
        return cost;
    }

    private static double cosineDistance(float[] a, float[] b) {
        return Math.max(0, 1 - Vectors.dot(a, b));
    }
}

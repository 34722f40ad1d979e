package io.shoal.segmentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Re-seeds dying segments by splitting a big, spread-out one.
 *
 * <h2>Rule</h2>
 * A slot k is dead when n_k &lt; f·max_j n_j (f = {@code deadFraction}). Dead slots are handled from the lightest up.
 * For each:
 * <ol>
 * <li>The donor is the live slot with the largest cost share n_j·D_j, where D_j is the mean cosine distance
 * (1 - cos) of the sample profiles nearest to c_j (the dead slot excluded); D_j = 1 when slot j has no sample
 * member, so without a sample the largest segment donates.</li>
 * <li>The donor's sample members are split in two by spherical 2-means started from c_donor and the member farthest
 * from it. The donor keeps its slot and id and takes the half nearer its old centroid; the dead slot gets the other
 * half's centroid and a new id ({@code nextSegmentId}). The donor's weight W is shared in proportion to the halves,
 * but the new segment gets at least f·max n (at most W/2), so it is not dead again on the next check.</li>
 * <li>When the donor cannot be split (fewer than two distinct members), the dead slot is re-seeded at the
 * worst-served sample profile, with weight f·max n. With no usable sample profile at all the slot is left as it
 * is and no event is emitted.</li>
 * </ol>
 * Every re-seeded slot yields RETIRED (old id), CREATED (new id) and, for a split, SPLIT (donor) events. The version
 * advances by one when anything changed.
 *
 * <h2>Boundary values of f</h2>
 * f = 0 never re-seeds; f close to 1 re-seeds every segment lighter than the heaviest (churn): values around 0.05
 * to 0.2 are sensible.
 */
public final class SegmentRescue {

    private static final int SPLIT_ITERATIONS = 5;
    private static final double DISTINCT = 1e-6;

    private final double deadFraction;

    /** @param deadFraction f in [0, 1) */
    public SegmentRescue(double deadFraction) {
        if (!(deadFraction >= 0 && deadFraction < 1)) {
            throw new IllegalArgumentException("deadFraction must be in [0, 1) but was " + deadFraction);
        }
        this.deadFraction = deadFraction;
    }

    /**
     * The outcome of a rescue.
     *
     * @param state the new state (the same instance when nothing was dead)
     * @param events what happened, in order
     */
    public record RescueResult(KMeansState state, List<SegmentLifecycleEvent> events) {
        public RescueResult {
            events = List.copyOf(events);
        }
    }

    /** The slots whose weight is below f·max weight, lightest first. */
    public int[] deadSlots(KMeansState state) {
        double[] w = state.weights();
        double max = Arrays.stream(w).max().orElse(0);
        return IntStream.range(0, w.length)
                .filter(k -> w[k] < deadFraction * max)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> w[k]).thenComparingInt(k -> k))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * Re-seeds every dead slot (see the class comment).
     *
     * @param state the current model
     * @param sample recent profiles (unit vectors) to find split directions in; may be empty
     */
    public RescueResult rescue(KMeansState state, List<float[]> sample) {
        return rescue(state, sample, java.util.Set.of());
    }

    /**
     * Re-seeds every dead slot except those of {@code pinned} segments (seeded from examples: they are kept however
     * few members they have, and are never split to rescue another).
     */
    public RescueResult rescue(KMeansState state, List<float[]> sample, java.util.Set<Long> pinned) {
        Vectors.requireDimensions(sample, state.dimension(), "sample");
        int[] dead = Arrays.stream(deadSlots(state)).filter(k -> !pinned.contains(state.segmentId(k))).toArray();
        if (dead.length == 0) {
            return new RescueResult(state, List.of());
        }
        float[][] centroids = state.centroids();
        double[] weights = state.weights();
        double[] concentrations = state.concentrations();
        long[] ids = state.segmentIds();
        long nextId = state.nextSegmentId();
        long version = state.version() + 1;
        double floorWeight = deadFraction * Arrays.stream(weights).max().orElse(0);
        boolean[] live = new boolean[centroids.length];
        Arrays.fill(live, true);
        for (int k : dead) {
            live[k] = false;
        }

        List<SegmentLifecycleEvent> events = new ArrayList<>();
        for (int k : dead) {
            int[] labels = labels(sample, centroids, live);
            int donor = donor(sample, centroids, weights, live, labels, ids, pinned);
            List<float[]> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == donor) {
                    members.add(sample.get(i));
                }
            }
            Split halves = donor < 0 ? null : split(members, centroids[donor]);
            long newId = nextId;
            if (halves != null) {
                double total = weights[donor];
                double share = total * halves.counts[1] / members.size();
                double newWeight = Math.min(total / 2, Math.max(share, floorWeight));
                events.add(new SegmentLifecycleEvent(SegmentLifecycleEvent.Kind.RETIRED, k, ids[k], -1, -1,
                        weights[k], version));
                centroids[donor] = halves.centroids[0];
                weights[donor] = total - newWeight;
                concentrations[donor] = halves.concentration(0);
                centroids[k] = halves.centroids[1];
                weights[k] = newWeight;
                concentrations[k] = halves.concentration(1);
                ids[k] = newId;
                events.add(new SegmentLifecycleEvent(SegmentLifecycleEvent.Kind.CREATED, k, newId, donor, ids[donor],
                        newWeight, version));
                events.add(new SegmentLifecycleEvent(SegmentLifecycleEvent.Kind.SPLIT, donor, ids[donor], k, newId,
                        weights[donor], version));
            } else {
                float[] worst = worstServed(sample, centroids, live);
                if (worst == null) {
                    continue;
                }
                events.add(new SegmentLifecycleEvent(SegmentLifecycleEvent.Kind.RETIRED, k, ids[k], -1, -1,
                        weights[k], version));
                centroids[k] = worst.clone();
                weights[k] = floorWeight;
                concentrations[k] = 1.0;
                ids[k] = newId;
                events.add(new SegmentLifecycleEvent(SegmentLifecycleEvent.Kind.CREATED, k, newId, -1, -1,
                        floorWeight, version));
            }
            nextId++;
            live[k] = true;
        }
        if (events.isEmpty()) {
            return new RescueResult(state, List.of());
        }
        return new RescueResult(new KMeansState(centroids, weights, concentrations, ids, nextId, version), events);
    }

    private static int[] labels(List<float[]> sample, float[][] centroids, boolean[] live) {
        int[] labels = new int[sample.size()];
        for (int i = 0; i < labels.length; i++) {
            float[] x = sample.get(i);
            int best = -1;
            double bestSim = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < centroids.length; k++) {
                double s = Vectors.dot(centroids[k], x);
                if (live[k] && s > bestSim) {
                    bestSim = s;
                    best = k;
                }
            }
            labels[i] = best;
        }
        return labels;
    }

    private static int donor(List<float[]> sample, float[][] centroids, double[] weights, boolean[] live,
            int[] labels, long[] ids, java.util.Set<Long> pinned) {
        double[] distanceSum = new double[centroids.length];
        int[] counts = new int[centroids.length];
        for (int i = 0; i < labels.length; i++) {
            distanceSum[labels[i]] += Math.max(0, 1 - Vectors.dot(centroids[labels[i]], sample.get(i)));
            counts[labels[i]]++;
        }
        int donor = -1;
        double bestShare = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < centroids.length; k++) {
            if (!live[k] || pinned.contains(ids[k])) {
                continue;
            }
            double spread = counts[k] > 0 ? distanceSum[k] / counts[k] : 1.0;
            double share = weights[k] * spread;
            if (share > bestShare) {
                bestShare = share;
                donor = k;
            }
        }
        return donor;
    }

    /** Two halves of a donor's members: centroids, member counts and sums; index 0 is the donor's. */
    private record Split(float[][] centroids, int[] counts, double[][] sums) {
        double concentration(int h) {
            return Math.min(1.0, Vectors.norm(sums[h]) / counts[h]);
        }
    }

    /** Spherical 2-means of the members from (c, farthest member); null when they do not split. */
    private static Split split(List<float[]> members, float[] c) {
        if (members.size() < 2) {
            return null;
        }
        float[] far = null;
        double lowest = Double.POSITIVE_INFINITY;
        for (float[] m : members) {
            double s = Vectors.dot(c, m);
            if (s < lowest) {
                lowest = s;
                far = m;
            }
        }
        if (1 - lowest < DISTINCT) {
            return null;
        }
        float[][] halves = {c.clone(), far.clone()};
        double[][] sums = null;
        int[] counts = null;
        for (int it = 0; it < SPLIT_ITERATIONS; it++) {
            sums = new double[2][c.length];
            counts = new int[2];
            for (float[] m : members) {
                int h = Vectors.nearest(halves, m);
                Vectors.addScaled(sums[h], m, 1.0);
                counts[h]++;
            }
            if (counts[0] == 0 || counts[1] == 0) {
                return null;
            }
            for (int h = 0; h < 2; h++) {
                float[] next = Vectors.normalizeOrNull(sums[h]);
                if (next == null) {
                    return null;
                }
                halves[h] = next;
            }
        }
        // The donor keeps the half nearer its old centroid.
        if (Vectors.dot(halves[1], c) > Vectors.dot(halves[0], c)) {
            return new Split(new float[][] {halves[1], halves[0]}, new int[] {counts[1], counts[0]},
                    new double[][] {sums[1], sums[0]});
        }
        return new Split(halves, counts, sums);
    }

    private static float[] worstServed(List<float[]> sample, float[][] centroids, boolean[] live) {
        int[] labels = labels(sample, centroids, live);
        float[] worst = null;
        double worstDistance = DISTINCT;
        for (int i = 0; i < labels.length; i++) {
            double dist = 1 - Vectors.dot(centroids[labels[i]], sample.get(i));
            if (dist > worstDistance) {
                worstDistance = dist;
                worst = sample.get(i);
            }
        }
        return worst;
    }
}

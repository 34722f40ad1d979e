package io.shoal.segmentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/**
 * Model swaps: seeding, refits toward the batch optimum with stable segment identities, and rescue of dead
 * segments. Pure: both drivers call these with the profile sample and swap the result in atomically.
 *
 * <h2>Refit (see {@link RefitPolicy} for when)</h2>
 * <ol>
 * <li>Fit: a warm fit (spherical Lloyd from the live centroids) and {@code seedingRestarts} fresh k-means++ fits on
 * the sample; the fresh one is taken only when it beats the warm cost by {@code freshFitGain}.</li>
 * <li>Identity: the new centroids are matched to the live ones by {@link OptimalAssignment} maximising Σ cos(c_old,
 * c_new). A matched new centroid takes the old id and the old slot; a pair below {@code minMatchSimilarity} counts as
 * unmatched: the old segment ends and the new one is born with a new id ({@code nextSegmentId}, never re-used).</li>
 * <li>Weights: the live model's total weight W = Σ n_k is shared by the sample: n'_j = W·|sample members of j| /
 * |sample|, and S'_j = n'_j·r'_j·c'_j with r'_j the members' mean resultant length, so the forgetting goes on at the
 * same scale. For the GMM the statistics of {@link OnlineGmm#initial} are scaled by the same W/|sample|.</li>
 * <li>Lineage: each sampled shopper's segment before (the one stored for them) and after (the nearest new centroid)
 * give the MONIC transitions of {@link SegmentLineage}: survived, split, merged, born, died.</li>
 * </ol>
 * Seeding is a refit without a live model: the best of {@code seedingRestarts} k-means++ fits, ids 0..k-1.
 *
 * <h2>Seeded segments (seeded k-means)</h2>
 * A segment seeded from examples ({@link #addSeeded}) is a new slot at the examples' mean direction, beside the k
 * learned ones. It is <em>pinned</em>: every refit holds its centroid at the examples' (it takes members in the fit
 * like any centroid but does not move, and keeps its id and slot without matching), a rescue never retires or splits
 * it, and the fit's k is the number of learned segments, so seeds do not take their place. Between refits it learns
 * online like any segment; each refit puts it back where its examples are.
 */
public final class SegmentRefit {

    /** Why the model was swapped; shoppers moved by the sweep that follows are audited with this reason. */
    public enum Cause {
        SEEDED, REFIT, RESCUE,
        /** A segment seeded from examples was added ({@link #addSeeded}). */
        SEEDED_SEGMENT;

        /** The audit reason of a move made by the sweep after this swap. */
        public String reason() {
            return name().toLowerCase();
        }
    }

    /**
     * The profile sample with each sampled shopper's current segment.
     *
     * @param userIds  sampled shoppers
     * @param vectors  their unit profiles, aligned
     * @param segments their stored segment ids, aligned; null entries for shoppers without one
     */
    public record Sample(List<String> userIds, List<float[]> vectors, List<Long> segments) {
        public Sample {
            if (userIds.size() != vectors.size() || userIds.size() != segments.size()) {
                throw new IllegalArgumentException("sample ids, vectors and segments must align but had "
                        + userIds.size() + ", " + vectors.size() + ", " + segments.size());
            }
        }

        public int size() {
            return userIds.size();
        }
    }

    /**
     * A model to swap in.
     *
     * @param model     the new model (next generation, fit metadata set)
     * @param cause     seed, refit or rescue
     * @param trigger   what made it due
     * @param lineage   MONIC transitions (refits), empty otherwise
     * @param rescued   rescue events (retired, created, split), empty otherwise
     * @param liveCost  the live model's cost on the sample (stored assignments), NaN at seeding
     * @param cost      the new model's cost on the sample (nearest centroids)
     * @param fresh     whether a fresh k-means++ fit won over the warm fit
     */
    public record Swap(SegmentModel model, Cause cause, RefitPolicy.Trigger trigger,
            List<SegmentLineage.Transition> lineage, List<SegmentLifecycleEvent> rescued, double liveCost,
            double cost, boolean fresh) {
    }

    private final SegmentationParams params;

    public SegmentRefit(SegmentationParams params) {
        this.params = params;
    }

    /** The first model from the sample (generation 1). */
    public Swap seed(Sample sample, long profiled, long nowMillis) {
        KMeansSeeder.SeedResult seeded = params.seeder().seed(sample.vectors(), params.k(), params.randomSeed());
        long[] created = new long[params.k()];
        Arrays.fill(created, nowMillis);
        SegmentModel model = model(seeded.state(), sample.vectors(), created, 1.0)
                .asFit(1, sample.size(), profiled, sample.size(), nowMillis);
        return new Swap(model, Cause.SEEDED, RefitPolicy.Trigger.GROWTH, List.of(), List.of(), Double.NaN,
                seeded.cost(), true);
    }

    /**
     * What a due trigger does: a refit for growth or age; for a check, a refit when drifted, else a rescue when a
     * segment is dead (k-means), else nothing.
     */
    public Optional<Swap> maintain(SegmentModel live, Sample sample, long profiled, RefitPolicy.Trigger trigger,
            long nowMillis) {
        return maintain(live, sample, profiled, trigger, nowMillis, Map.of());
    }

    /**
     * As {@link #maintain(SegmentModel, Sample, long, RefitPolicy.Trigger, long)} with seeded segments: their
     * examples' unit mean direction by segment id (ids not in the live model are ignored).
     */
    public Optional<Swap> maintain(SegmentModel live, Sample sample, long profiled, RefitPolicy.Trigger trigger,
            long nowMillis, Map<Long, float[]> seeded) {
        if (trigger == RefitPolicy.Trigger.NONE || sample.size() < params.k()) {
            return Optional.empty();
        }
        KMeansState state = live.kmeans();
        double liveCost = liveCost(state, sample);
        Map<Long, float[]> pinned = new LinkedHashMap<>();
        boolean[] mask = new boolean[state.k()];
        float[][] start = state.centroids();
        for (int j = 0; j < state.k(); j++) {
            float[] seed = seeded.get(state.segmentId(j));
            if (seed != null && seed.length == state.dimension()) {
                pinned.put(state.segmentId(j), seed);
                mask[j] = true;
                start[j] = seed;
            }
        }
        KMeansState warmStart = new KMeansState(start, state.weights(), state.concentrations(), state.segmentIds(),
                state.nextSegmentId(), state.version());
        KMeansSeeder.Refinement warm = KMeansSeeder.refine(warmStart, sample.vectors(),
                KMeansSeeder.POLISH_ITERATIONS, mask);
        if (trigger.refit() || params.refit().drifted(liveCost, warm.cost())) {
            return Optional.of(refit(live, sample, profiled, trigger, nowMillis, liveCost, warm, pinned));
        }
        if (live.algorithm() == Algorithm.KMEANS) {
            SegmentRescue.RescueResult rescued = params.rescue().rescue(state, sample.vectors(), pinned.keySet());
            if (!rescued.events().isEmpty()) {
                long[] created = live.createdMillis().clone();
                for (int j = 0; j < live.k(); j++) {
                    if (rescued.state().segmentId(j) != live.ids()[j]) {
                        created[j] = nowMillis;
                    }
                }
                SegmentModel next = SegmentModel.fromKMeans(Algorithm.KMEANS, rescued.state(), created, null)
                        .asFit(live.generation() + 1, live.points(), live.fittedProfiles(), live.fittedPoints(),
                                live.fittedAtMillis());
                return Optional.of(new Swap(next, Cause.RESCUE, trigger, List.of(), rescued.events(), liveCost,
                        ClusteringMetrics.withinClusterCost(sample.vectors(), rescued.state()), false));
            }
        }
        return Optional.empty();
    }

    private Swap refit(SegmentModel live, Sample sample, long profiled, RefitPolicy.Trigger trigger, long nowMillis,
            double liveCost, KMeansSeeder.Refinement warm, Map<Long, float[]> pinned) {
        long seed = params.randomSeed() * 31 + live.generation();
        KMeansSeeder.SeedResult freshFit = params.seeder().seed(sample.vectors(), params.k(), seed);
        KMeansState freshState = freshFit.state();
        double freshCost = freshFit.cost();
        if (!pinned.isEmpty()) {
            // The fresh fit's learned centroids, polished with the seeded ones held in place beside them.
            float[][] both = new float[params.k() + pinned.size()][];
            boolean[] mask = new boolean[both.length];
            System.arraycopy(freshState.centroids(), 0, both, 0, params.k());
            int p = params.k();
            for (float[] c : pinned.values()) {
                mask[p] = true;
                both[p++] = c;
            }
            KMeansSeeder.Refinement polished = KMeansSeeder.refine(new KMeansState(both, new double[both.length],
                    live.version()), sample.vectors(), KMeansSeeder.POLISH_ITERATIONS, mask);
            freshState = polished.state();
            freshCost = polished.cost();
        }
        // The fresh fit must be clearly better: near-equal optima differ a lot in membership (two batch fits of Online
        // Retail agree at ARI ~0.46), and taking any cheaper one measured 37% more moves for the same cost ratio.
        boolean fresh = params.refit().freshWins(freshCost, warm.cost());
        KMeansState fit = fresh ? freshState : warm.state();
        double cost = fresh ? freshCost : warm.cost();
        // The learned centroids of the fit (the seeded ones are placed by id, not matched).
        List<float[]> learned = new ArrayList<>();
        for (int j = 0; j < fit.k(); j++) {
            boolean seededSlot = fresh ? j >= params.k() : pinned.containsKey(live.ids()[j]);
            if (!seededSlot) {
                learned.add(fit.centroid(j));
            }
        }
        float[][] fitted = learned.toArray(new float[0][]);

        // Match the fitted centroids to the live learned ones; the fit has the configured k, which may differ from
        // the live model's after a change of configuration (rows or columns are then left unmatched).
        float[][] old = live.kmeans().centroids();
        int k = fitted.length;
        int slots = k + pinned.size();
        double[][] similarity = new double[old.length][k];
        for (int i = 0; i < old.length; i++) {
            for (int j = 0; j < k; j++) {
                // A seeded segment's old centroid is never a match: -2 is below any cosine.
                similarity[i][j] = pinned.containsKey(live.ids()[i]) ? -2 : Vectors.dot(old[i], fitted[j]);
            }
        }
        int[] match = OptimalAssignment.maximize(similarity);
        int[] oldOf = new int[k];
        Arrays.fill(oldOf, -1);
        for (int i = 0; i < old.length; i++) {
            int j = match[i];
            if (j >= 0 && similarity[i][j] >= params.refit().minMatchSimilarity()) {
                oldOf[j] = i;
            }
        }
        // Seeded segments keep their slot and id; a matched centroid keeps its segment's id and, where it exists, its
        // slot; the others take free slots.
        float[][] centroids = new float[slots][];
        long[] ids = new long[slots];
        long[] created = new long[slots];
        long nextId = live.nextSegmentId();
        List<float[]> waitingCentroids = new ArrayList<>();
        List<Integer> waitingOld = new ArrayList<>();
        for (Map.Entry<Long, float[]> e : pinned.entrySet()) {
            int i = live.slotOf(e.getKey());
            if (i < slots && centroids[i] == null) {
                centroids[i] = e.getValue();
                ids[i] = live.ids()[i];
                created[i] = live.createdMillis()[i];
            } else {
                waitingCentroids.add(e.getValue());
                waitingOld.add(i);
            }
        }
        for (int j = 0; j < k; j++) {
            int i = oldOf[j];
            if (i >= 0 && i < slots && centroids[i] == null) {
                centroids[i] = fitted[j];
                ids[i] = live.ids()[i];
                created[i] = live.createdMillis()[i];
            } else {
                waitingCentroids.add(fitted[j]);
                waitingOld.add(i);
            }
        }
        int free = 0;
        for (int w = 0; w < waitingCentroids.size(); w++) {
            while (centroids[free] != null) {
                free++;
            }
            int i = waitingOld.get(w);
            centroids[free] = waitingCentroids.get(w);
            ids[free] = i >= 0 ? live.ids()[i] : nextId++;
            created[free] = i >= 0 ? live.createdMillis()[i] : nowMillis;
        }
        double total = Arrays.stream(live.weights()).sum();
        double scale = Math.max(total, 1e-9) / sample.size();
        KMeansState shape = new KMeansState(centroids, new double[slots], onesLike(slots), ids, nextId,
                live.version());
        boolean[] held = new boolean[slots];
        for (int j = 0; j < slots; j++) {
            held[j] = pinned.containsKey(ids[j]);
        }
        // P_fit and the fit time move with a global re-search (growth, age), not with a check's correction.
        SegmentModel fittedModel = model(shape, sample.vectors(), created, scale, held);
        SegmentModel next = trigger.refit()
                ? fittedModel.asFit(live.generation() + 1, live.points(), profiled, live.points(), nowMillis)
                : fittedModel.asFit(live.generation() + 1, live.points(), live.fittedProfiles(), live.fittedPoints(),
                        live.fittedAtMillis());
        List<SegmentLineage.Transition> lineage = lineage(live, next, sample);
        return new Swap(next, Cause.REFIT, trigger, lineage, List.of(), liveCost, cost, fresh);
    }

    /**
     * Adds a segment seeded from examples: a new slot (a new id) at {@code direction}, the examples' unit mean,
     * beside the live ones; the sample's members give every slot its weight as in a refit, and the sweep that follows
     * re-decides every shopper (moves audited as {@code seeded_segment}).
     *
     * @param direction unit vector of the model's dimension
     */
    public Swap addSeeded(SegmentModel live, float[] direction, Sample sample, long nowMillis) {
        if (direction.length != live.dimension()) {
            throw new IllegalArgumentException("the examples have dimension " + direction.length + " but the model "
                    + live.dimension());
        }
        int k = live.k();
        float[][] centroids = Arrays.copyOf(live.kmeans().centroids(), k + 1);
        centroids[k] = direction.clone();
        long[] ids = Arrays.copyOf(live.ids(), k + 1);
        ids[k] = live.nextSegmentId();
        long[] created = Arrays.copyOf(live.createdMillis(), k + 1);
        created[k] = nowMillis;
        double total = Arrays.stream(live.weights()).sum();
        double scale = sample.size() == 0 ? 0 : Math.max(total, 1e-9) / sample.size();
        KMeansState shape = new KMeansState(centroids, new double[k + 1], onesLike(k + 1), ids, ids[k] + 1,
                live.version());
        boolean[] held = new boolean[k + 1];
        held[k] = true;
        SegmentModel next = model(shape, sample.vectors(), created, scale, held).asFit(live.generation() + 1,
                live.points(), live.fittedProfiles(), live.fittedPoints(), live.fittedAtMillis());
        double cost = ClusteringMetrics.withinClusterCost(sample.vectors(), next.kmeans());
        return new Swap(next, Cause.SEEDED_SEGMENT, RefitPolicy.Trigger.MANUAL, List.of(), List.of(),
                liveCost(live.kmeans(), sample), cost, false);
    }

    /** The model of fitted centroids: members of the sample give weights (× scale), concentrations, GMM stats. */
    private SegmentModel model(KMeansState shape, List<float[]> sample, long[] created, double scale) {
        return model(shape, sample, created, scale, new boolean[shape.k()]);
    }

    /**
     * As above; a slot marked in {@code held} (a seeded segment) weighs at least f·max weight (f the dead fraction,
     * as a rescued segment does), so a seed without members yet keeps its direction in the stored sums and is not
     * taken over by its first member.
     */
    private SegmentModel model(KMeansState shape, List<float[]> sample, long[] created, double scale,
            boolean[] held) {
        int k = shape.k();
        int d = shape.dimension();
        float[][] c = shape.centroids();
        double[] counts = new double[k];
        double[][] sums = new double[k][d];
        for (float[] x : sample) {
            int j = Vectors.nearest(c, x);
            counts[j]++;
            Vectors.addScaled(sums[j], x, 1.0);
        }
        double[] weights = new double[k];
        double[] concentrations = new double[k];
        double max = 0;
        for (int j = 0; j < k; j++) {
            weights[j] = counts[j] * scale;
            max = Math.max(max, weights[j]);
            concentrations[j] = counts[j] > 0 ? Math.min(1.0, Vectors.norm(sums[j]) / counts[j]) : 1.0;
        }
        double floor = Math.max(params.deadFraction() * max, 1e-6);
        for (int j = 0; j < k; j++) {
            if (held[j] && weights[j] < floor) {
                weights[j] = floor;
            }
        }
        KMeansState state = new KMeansState(c, weights, concentrations, shape.segmentIds(), shape.nextSegmentId(),
                shape.version());
        if (params.algorithm() == Algorithm.GMM) {
            GmmState g = params.gmm().initial(state, sample);
            double[] n = g.counts();
            double[][] s = g.sums();
            double[][] q = g.sumSquares();
            for (int j = 0; j < k; j++) {
                n[j] *= scale;
                for (int i = 0; i < d; i++) {
                    s[j][i] *= scale;
                    q[j][i] *= scale;
                }
            }
            return SegmentModel.fromGmm(new GmmState(n, s, q, shape.version()), shape.segmentIds(),
                    shape.nextSegmentId(), created);
        }
        return SegmentModel.fromKMeans(Algorithm.KMEANS, state, created, null);
    }

    /** Σ (1 - cos(x, c_seg(x))) with seg(x) the shopper's stored segment, or the nearest when it has none live. */
    static double liveCost(KMeansState state, Sample sample) {
        double cost = 0;
        for (int i = 0; i < sample.size(); i++) {
            float[] x = sample.vectors().get(i);
            Long seg = sample.segments().get(i);
            int slot = seg == null ? -1 : state.slotOf(seg);
            if (slot < 0) {
                slot = StreamingKMeans.assign(state, x).segment();
            }
            cost += Math.max(0, 1 - Vectors.dot(state.centroidsRef()[slot], x));
        }
        return cost;
    }

    private static List<SegmentLineage.Transition> lineage(SegmentModel live, SegmentModel next, Sample sample) {
        KMeansState after = next.kmeans();
        long[] before = new long[sample.size()];
        long[] now = new long[sample.size()];
        for (int i = 0; i < sample.size(); i++) {
            Long seg = sample.segments().get(i);
            before[i] = seg == null || live.slotOf(seg) < 0 ? SegmentLineage.NONE : seg;
            now[i] = after.segmentId(StreamingKMeans.assign(after, sample.vectors().get(i)).segment());
        }
        Set<Long> oldIds = new LinkedHashSet<>();
        for (long id : live.ids()) {
            oldIds.add(id);
        }
        Set<Long> newIds = new LinkedHashSet<>();
        for (long id : next.ids()) {
            newIds.add(id);
        }
        return SegmentLineage.defaults().transitions(before, now, new ArrayList<>(oldIds), new ArrayList<>(newIds));
    }

    private static double[] onesLike(int k) {
        double[] r = new double[k];
        Arrays.fill(r, 1.0);
        return r;
    }
}

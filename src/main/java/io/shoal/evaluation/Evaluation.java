package io.shoal.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.shoal.config.RecommendationConfig;
import io.shoal.config.SegmentationDefaults;
import io.shoal.recommendation.RecommendationParams;
import io.shoal.recommendation.Strategy;

import io.shoal.segmentation.ClusteringMetrics;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/**
 * Runs every check of the quality report on one dataset: the service's engine and the Spark-style baseline on the
 * same stream, batch k-means on the same final profiles, labels, recommendations and drift.
 */
public final class Evaluation {

    /**
     * @param k               segments
     * @param batchRestarts   k-means++ restarts of the batch optimum on the final profiles
     * @param driftRestarts   restarts of the batch optimum at each drift checkpoint
     * @param driftFraction   share of users who switch interests
     * @param driftCheckpoints checkpoints after the switch
     * @param seed            seeds every random choice of the evaluation (not the engines: they use theirs)
     * @param recommendation  the recommender's parameters (the service's {@code shoal.recommendation.*})
     * @param batchReferences batch k-means runs (seeds seed, seed + 1, ...) the ARI is also averaged over, so that it
     *                        reads against the batch optimum's own seed-to-seed agreement; ≥ 1
     */
    public record Options(int k, int batchRestarts, int driftRestarts, double driftFraction, int driftCheckpoints,
            long seed, RecommendationParams recommendation, int batchReferences) {

        public static Options defaults(int k) {
            return new Options(k, 10, 3, 0.3, 10, 7,
                    RecommendationConfig.params(SegmentationDefaults.recommendation(Map.of())), 5);
        }
    }

    /** Mean, least and greatest of {@code count} ARIs. */
    public record Spread(double mean, double min, double max, int count) {
        static Spread of(List<Double> values) {
            return new Spread(values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), values.size());
        }
    }

    /** One engine's results on a dataset. */
    public record EngineReport(String engine, SegmentQuality quality, double movedShare, double meanDailyMovedShare,
            int days, long changes, long suppressed, int rescues, long refits, long sweepMoves,
            Map<String, Double> labelAmi, Map<String, ClusteringMetrics.MatchedScores> labelScores,
            RecommendationCheck.Result recommendations, Map<String, Double> hitRates, DriftCheck.Result drift,
            Spread ariVsBatchRuns) {
    }

    /** Everything measured on one dataset. */
    public record DatasetReport(String dataset, int events, int users, int segmentedUsers, int distinctTexts,
            long linesRead, long linesSkipped, int seededAtEvent, Map<String, Double> batchLabelAmi,
            Map<String, Integer> labelledUsers, List<EngineReport> engines, int driftSwitchers, double seconds,
            Spread batchVsBatch, BatchReference batch) {
    }

    /**
     * The batch optimum's own scores on the final profiles, over the batch runs: the reference of the goal
     * "silhouette ≥ the batch clustering's − 0.005", and what a k-means objective gives on the other rows.
     */
    public record BatchReference(Spread silhouette, Spread daviesBouldin, Spread largestShare, Spread smallestShare) {
    }

    private Evaluation() {
    }

    /**
     * @param vectors       a unit vector per distinct text of {@code data.events()}
     * @param recommendable item ids the recommendation check may recommend (e.g. products, not postage)
     */
    public static DatasetReport run(EvaluationDataset data, Map<String, float[]> vectors, Options options,
            Predicate<String> recommendable) {
        long start = System.nanoTime();
        List<EngineSettings> engines = List.of(EngineSettings.service(options.k()),
                EngineSettings.service(options.k(), Algorithm.GMM), EngineSettings.sparkBaseline(options.k()));
        List<EvaluationEvent> stream = data.events();

        List<InMemoryDriver> simulators = new ArrayList<>();
        List<RecommendationCheck> recommendations = new ArrayList<>();
        for (EngineSettings s : engines) {
            RecommendationCheck rec = new RecommendationCheck(options.recommendation(), recommendable);
            simulators.add(new InMemoryDriver(s, vectors).run(stream, List.of(rec)));
            recommendations.add(rec);
        }
        if (simulators.get(0).model() == null) {
            throw new IllegalStateException("the stream has fewer than " + engines.get(0).params().bootstrapProfiles()
                    + " users with a profile: the model was never seeded (use a larger --limit)");
        }

        // Profiles do not depend on the segments: both engines end with the same profiles, one batch optimum.
        SegmentQuality.Snapshot reference = SegmentQuality.Snapshot.of(simulators.get(0));
        int[] batchLabels = new BatchKMeans(options.batchRestarts(), 100, options.seed())
                .cluster(reference.vectors(), options.k());
        // Batch k-means lands in a different local optimum per seed: its runs agree with each other only so far.
        List<int[]> batchRuns = new ArrayList<>(List.of(batchLabels));
        for (int r = 1; r < options.batchReferences(); r++) {
            batchRuns.add(new BatchKMeans(options.batchRestarts(), 100, options.seed() + r)
                    .cluster(reference.vectors(), options.k()));
        }
        List<SegmentQuality> batchQuality = batchRuns.stream()
                .map(run -> SegmentQuality.of(reference.vectors(), run, batchLabels, options.seed())).toList();
        BatchReference batch = new BatchReference(
                Spread.of(batchQuality.stream().map(SegmentQuality::silhouette).toList()),
                Spread.of(batchQuality.stream().map(SegmentQuality::daviesBouldin).toList()),
                Spread.of(batchQuality.stream().map(q -> (double) q.sizes()[0] / q.users()).toList()),
                Spread.of(batchQuality.stream().map(q -> (double) q.sizes()[q.sizes().length - 1] / q.users())
                        .toList()));
        List<Double> pairs = new ArrayList<>();
        for (int a = 0; a < batchRuns.size(); a++) {
            for (int b = a + 1; b < batchRuns.size(); b++) {
                pairs.add(ClusteringMetrics.adjustedRandIndex(batchRuns.get(a), batchRuns.get(b)));
            }
        }

        Map<String, Double> batchAmi = new LinkedHashMap<>();
        Map<String, Integer> labelled = new LinkedHashMap<>();
        data.labels().forEach((column, classes) -> {
            Labelled l = labelled(reference.userIds(), batchLabels, classes);
            labelled.put(column, l.classes().size());
            batchAmi.put(column, l.classes().isEmpty() ? Double.NaN
                    : ClusteringMetrics.adjustedMutualInformation(SegmentQuality.dense(l.classes()), l.segments()));
        });

        DriftCheck drift = new DriftCheck(new BatchKMeans(options.driftRestarts(), 100, options.seed()),
                options.k(), options.driftCheckpoints());
        DriftCheck.Drifted drifted = DriftCheck.drift(stream, options.driftFraction(), options.seed());
        List<EngineReport> reports = new ArrayList<>();
        for (int i = 0; i < engines.size(); i++) {
            InMemoryDriver sim = simulators.get(i);
            SegmentQuality.Snapshot snap = SegmentQuality.Snapshot.of(sim);
            if (!snap.userIds().equals(reference.userIds())) {
                throw new IllegalStateException("engines segmented different users: " + snap.userIds().size()
                        + " vs " + reference.userIds().size());
            }
            SegmentQuality quality = SegmentQuality.of(snap.vectors(), snap.labels(), batchLabels, options.seed());
            Map<String, Double> ami = new LinkedHashMap<>();
            Map<String, ClusteringMetrics.MatchedScores> scores = new LinkedHashMap<>();
            data.labels().forEach((column, classes) -> {
                Labelled l = labelled(snap.userIds(), snap.labels(), classes);
                ami.put(column, l.classes().isEmpty() ? Double.NaN
                        : ClusteringMetrics.adjustedMutualInformation(SegmentQuality.dense(l.classes()),
                                l.segments()));
                if (!l.classes().isEmpty()) {
                    scores.put(column, ClusteringMetrics.matchedScores(SegmentQuality.dense(l.classes()),
                            l.segments()));
                }
            });
            RecommendationCheck.Result rec = recommendations.get(i).result();
            Map<String, Double> rates = new LinkedHashMap<>();
            for (Strategy r : Strategy.values()) {
                rates.put(r.wireName(), rec.hitRate(r));
            }
            DriftCheck.Result driftResult = drift.run(drifted, new InMemoryDriver(engines.get(i), vectors));
            InMemoryDriver.Movement movement = sim.movement();
            long sweepMoves = sim.swaps().stream().mapToLong(InMemoryDriver.SwapRecord::moved).sum();
            List<Double> vsRuns = batchRuns.stream()
                    .map(run -> ClusteringMetrics.adjustedRandIndex(run, snap.labels())).toList();
            reports.add(new EngineReport(engines.get(i).name(), quality, movement.movedShare(),
                    movement.meanDailyShare(), movement.activeUsers().size(), sim.changes(), sim.suppressed(),
                    sim.rescues(), sim.refits(), sweepMoves, ami, scores, rec, rates, driftResult,
                    Spread.of(vsRuns)));
        }
        int users = new LinkedHashSet<>(stream.stream().map(EvaluationEvent::userId).toList()).size();
        int texts = new LinkedHashSet<>(stream.stream().map(EvaluationEvent::text).toList()).size();
        return new DatasetReport(data.format().optionName(), stream.size(), users, reference.userIds().size(), texts,
                data.linesRead(), data.skipped(), simulators.get(0).seededAtEvent(), batchAmi, labelled, reports,
                drifted.switchers(), (System.nanoTime() - start) / 1e9, Spread.of(pairs), batch);
    }

    private record Labelled(List<String> classes, int[] segments) {
    }

    /** The users that have a label: their classes and their segments, aligned. */
    private static Labelled labelled(List<String> userIds, int[] segments, Map<String, String> classes) {
        List<String> c = new ArrayList<>();
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < userIds.size(); i++) {
            String label = classes.get(userIds.get(i));
            if (label != null) {
                c.add(label);
                s.add(segments[i]);
            }
        }
        return new Labelled(c, s.stream().mapToInt(Integer::intValue).toArray());
    }
}

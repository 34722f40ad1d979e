package io.shoal.evaluation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.shoal.inference.TextNormalizer;
import io.shoal.segmentation.ClusteringMetrics;
import io.shoal.segmentation.KMeansSeeder;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.StreamingKMeans;

/**
 * The engine on a stream with a known answer ({@link ClearStructureStream}), over several seeds: the live segments'
 * ARI against the categories, against what batch k-means reaches on the same final profiles, how many refits after
 * the seed it took to get there, and accuracy/precision/recall/F1 after the best one-to-one matching.
 */
public final class ClearStructureCheck {

    /** The share of the batch ARI the live segments must reach. */
    public static final double TARGET_SHARE = 0.97;

    /**
     * One seed's result.
     *
     * @param seed           seeds the stream's draws and the engine
     * @param liveAri        ARI of the live segments against the categories at the end
     * @param batchAri       ARI of batch k-means on the final profiles against the categories (Commons Math,
     *                       Euclidean on the unit profiles, 10 restarts)
     * @param sphericalAri   the same for batch spherical k-means (20 k-means++ restarts, run to convergence)
     * @param refits         refits after the seed
     * @param refitsToTarget refits after the seed until the live ARI first reached {@value #TARGET_SHARE} × batchAri
     *                       (0: already at the seed), -1 if never
     * @param scores         accuracy, precision, recall, F1 of the live segments after the best matching
     */
    public record Run(long seed, double liveAri, double batchAri, double sphericalAri, long refits, int refitsToTarget,
            ClusteringMetrics.MatchedScores scores) {

        public double share() {
            return batchAri <= 0 ? Double.NaN : liveAri / batchAri;
        }
    }

    /** The runs of every seed. */
    public record Result(String engine, int categories, int shoppers, int events, List<Run> runs) {

        public double[] shares() {
            return runs.stream().mapToDouble(Run::share).sorted().toArray();
        }
    }

    private ClearStructureCheck() {
    }

    public static Result run(Path dataDir, TextEmbedder embedder, TextNormalizer normalizer, int seeds,
            Algorithm algorithm) throws IOException {
        List<ClearStructureStream> streams = new ArrayList<>();
        LinkedHashSet<String> texts = new LinkedHashSet<>();
        for (int s = 0; s < seeds; s++) {
            ClearStructureStream stream = ClearStructureStream.build(dataDir, normalizer, s);
            streams.add(stream);
            stream.events().forEach(e -> texts.add(e.text()));
        }
        Map<String, float[]> vectors = embedder.embed(new ArrayList<>(texts));
        List<Run> runs = new ArrayList<>();
        int categories = (int) streams.get(0).labels().values().stream().distinct().count();
        for (int s = 0; s < seeds; s++) {
            ClearStructureStream stream = streams.get(s);
            EngineSettings settings = EngineSettings.service(categories, algorithm);
            settings = settings.with(settings.name(), settings.params().withRandomSeed(s));
            List<Double> ariAfterSwap = new ArrayList<>();
            InMemoryDriver.BatchObserver observer = new InMemoryDriver.BatchObserver() {
                private int swaps;

                @Override
                public void afterBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
                    if (engine.swaps().size() > swaps) {
                        swaps = engine.swaps().size();
                        ariAfterSwap.add(liveAri(engine, stream.labels()));
                    }
                }
            };
            InMemoryDriver engine = new InMemoryDriver(settings, vectors).run(stream.events(), List.of(observer));
            SegmentQuality.Snapshot snap = SegmentQuality.Snapshot.of(engine);
            int[] truth = truth(snap.userIds(), stream.labels());
            int[] batch = new BatchKMeans(10, 100, s).cluster(snap.vectors(), categories);
            double batchAri = ClusteringMetrics.adjustedRandIndex(truth, batch);
            double live = ClusteringMetrics.adjustedRandIndex(truth, snap.labels());
            KMeansState spherical = new KMeansSeeder(20, 10).seed(snap.vectors(), categories, s).state();
            int[] sphericalLabels = new int[snap.vectors().size()];
            for (int i = 0; i < sphericalLabels.length; i++) {
                sphericalLabels[i] = StreamingKMeans.assign(spherical, snap.vectors().get(i)).segment();
            }
            double sphericalAri = ClusteringMetrics.adjustedRandIndex(truth, sphericalLabels);
            int toTarget = -1;
            for (int i = 0; i < ariAfterSwap.size(); i++) {
                if (ariAfterSwap.get(i) >= TARGET_SHARE * batchAri) {
                    toTarget = i;
                    break;
                }
            }
            if (toTarget < 0 && live >= TARGET_SHARE * batchAri) {
                toTarget = ariAfterSwap.size();
            }
            runs.add(new Run(s, live, batchAri, sphericalAri, engine.refits(), toTarget,
                    ClusteringMetrics.matchedScores(truth, snap.labels())));
        }
        ClearStructureStream first = streams.get(0);
        return new Result(EngineSettings.service(categories, algorithm).name(), categories, first.labels().size(),
                first.events().size(), runs);
    }

    private static double liveAri(InMemoryDriver engine, Map<String, String> labels) {
        SegmentQuality.Snapshot snap = SegmentQuality.Snapshot.of(engine);
        return ClusteringMetrics.adjustedRandIndex(truth(snap.userIds(), labels), snap.labels());
    }

    private static int[] truth(List<String> users, Map<String, String> labels) {
        List<String> classes = users.stream().map(labels::get).toList();
        return SegmentQuality.dense(classes);
    }

    /** Min, median and max of values. */
    static double[] spread(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return new double[] { v[0], v[v.length / 2], v[v.length - 1] };
    }
}

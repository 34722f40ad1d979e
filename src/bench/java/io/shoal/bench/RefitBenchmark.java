package io.shoal.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import io.shoal.config.SegmentationDefaults;
import io.shoal.segmentation.RefitPolicy;
import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.SegmentModel;
import io.shoal.segmentation.SegmentRefit;
import io.shoal.segmentation.SegmentationEngine;
import io.shoal.segmentation.SegmentationParams;
import io.shoal.segmentation.UserProfile;

/**
 * The engine's cost of a refit and of a sweep, on one thread, with the service's defaults (k = 12, 20 restarts):
 * a growth refit of a 5,000-profile sample at d = 384 (warm fit, 20 fresh k-means++ fits, matching, lineage), and
 * the sweep's decisions for 50,000 shoppers (nearest segment), Redis excluded.
 * <p>
 * {@code ./mvnw -B -Pbench -DskipTests test-compile exec:exec -Djmh.args="RefitBenchmark -wi 1 -i 3 -f 1"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
public class RefitBenchmark {

    private static final int D = 384;
    private static final int SAMPLE = 5_000;
    private static final int SWEPT = 50_000;

    private SegmentationEngine engine;
    private SegmentModel live;
    private SegmentRefit.Sample sample;
    private Map<String, UserState> users;
    private List<String> userIds;

    /** Unit vectors around {@code groups} random directions: clustered like shoppers, reproducible. */
    public static float[][] clustered(int n, int groups, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[groups][D];
        for (float[] c : centres) {
            for (int i = 0; i < D; i++) {
                c[i] = (float) random.nextGaussian();
            }
        }
        float[][] out = new float[n][D];
        for (int p = 0; p < n; p++) {
            float[] c = centres[random.nextInt(groups)];
            double norm = 0;
            for (int i = 0; i < D; i++) {
                out[p][i] = (float) (c[i] + 1.5 * random.nextGaussian());
                norm += (double) out[p][i] * out[p][i];
            }
            for (int i = 0; i < D; i++) {
                out[p][i] /= (float) Math.sqrt(norm);
            }
        }
        return out;
    }

    @Setup
    public void setUp() {
        SegmentationParams params = SegmentationDefaults.params(Map.of());
        engine = new SegmentationEngine(params);
        float[][] points = clustered(SAMPLE, 16, 1);
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Long> segments = new ArrayList<>();
        for (int i = 0; i < SAMPLE; i++) {
            ids.add("u" + i);
            vectors.add(points[i]);
            segments.add(null);
        }
        SegmentRefit.Sample young = new SegmentRefit.Sample(ids.subList(0, 500), vectors.subList(0, 500),
                segments.subList(0, 500));
        live = engine.seed(young, 500, 0).model();
        sample = new SegmentRefit.Sample(ids, vectors, segments);
        float[][] swept = clustered(SWEPT, 16, 2);
        users = new HashMap<>();
        userIds = new ArrayList<>();
        for (int i = 0; i < SWEPT; i++) {
            String id = "s" + i;
            userIds.add(id);
            users.put(id, new UserState(new UserProfile(swept[i], 1, 0), live.ids()[0], 0));
        }
    }

    @Benchmark
    public SegmentRefit.Swap refit5000ProfilesK12Restarts20() {
        return engine.maintain(live, sample, 5_000, RefitPolicy.Trigger.GROWTH, 1).orElseThrow();
    }

    @Benchmark
    public Plan sweepDecisionsFor50000Shoppers() {
        return engine.sweep(live, users, userIds);
    }
}

package io.shoal.evaluation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.shoal.event.EventType;
import io.shoal.segmentation.ProfileUpdater;
import io.shoal.segmentation.RefitPolicy;
import io.shoal.segmentation.TestParams;
import io.shoal.segmentation.SegmentationParams;
import io.shoal.segmentation.StreamingKMeans;

/** Small engines and random-but-clustered vectors for fast tests. */
final class TestStreams {

    static final int DIMENSION = 16;

    static final Map<EventType, Double> WEIGHTS = Map.of(EventType.PURCHASE, 5.0, EventType.REMOVE_FROM_CART, -1.0);

    private TestStreams() {
    }

    /** The service's rules on a small scale: k segments, tiny batches, seeding after {@code bootstrap} profiles. */
    static EngineSettings settings(int k, int batchSize, int bootstrap) {
        SegmentationParams p = TestParams.with(TestParams.of(k, 20, StreamingKMeans.TimeUnit.BATCHES, 0.05, 0.05, 0,
                7L * 24 * 3600 * 1000, ProfileUpdater.DEFAULT_MIN_WEIGHT, 1e-4, 5, 5), bootstrap, 1_000,
                new RefitPolicy(2, 10 * batchSize, 0.01, 0, 0.01, 0.5));
        return new EngineSettings("test", p, batchSize, 50, WEIGHTS);
    }

    /**
     * A unit vector per text: texts whose first two words match ("cluster a ...") share a cluster direction, plus
     * a little seeded noise.
     */
    static Map<String, float[]> clusteredVectors(List<EvaluationEvent> stream, long seed) {
        Map<String, float[]> centers = new HashMap<>();
        Map<String, float[]> out = new HashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (EvaluationEvent e : stream) {
            if (out.containsKey(e.text())) {
                continue;
            }
            String[] words = e.text().split(" ");
            String cluster = words.length > 1 ? words[0] + " " + words[1] : e.text();
            float[] c = centers.computeIfAbsent(cluster, x -> gaussian(random, 1.0));
            float[] v = gaussian(random, 0.1);
            for (int i = 0; i < v.length; i++) {
                v[i] += c[i];
            }
            out.put(e.text(), unit(v));
        }
        return out;
    }

    private static float[] gaussian(SplittableRandom random, double scale) {
        float[] v = new float[DIMENSION];
        for (int i = 0; i < v.length; i++) {
            // Box-Muller
            double u1 = Math.max(random.nextDouble(), 1e-12);
            v[i] = (float) (scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return scale == 1.0 ? unit(v) : v;
    }

    private static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }
}

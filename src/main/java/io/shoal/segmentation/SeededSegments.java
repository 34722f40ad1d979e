package io.shoal.segmentation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Segments seeded from examples (texts a marketer gives, or shoppers' profiles): their direction, and how well the
 * model keeps the examples together. Pure.
 *
 * <h2>Rule</h2>
 * <ul>
 * <li>Direction: the unit mean of the examples' unit vectors (null when they cancel out or there are none).</li>
 * <li>Quality, with the examples of every seed as labelled points: each example goes to its nearest segment (cosine,
 * as k-means assigns). For seed s with segment id s: recall = the share of s's examples that go to s; precision = of
 * all seeds' examples that go to s, the share that are s's (null when none go there). With one seed, precision is 1
 * whenever any example lands in it: it measures confusion between seeds, recall measures the model's hold on each.</li>
 * </ul>
 */
public final class SeededSegments {

    /** One seed's examples, as unit vectors. */
    public record Seed(long segmentId, List<float[]> examples) {
    }

    /** How a seed's examples fall on the model. */
    public record Quality(long segmentId, int examples, int kept, Double precision, double recall) {
    }

    private SeededSegments() {
    }

    /** The unit mean of the examples, or null. */
    public static float[] direction(List<float[]> examples) {
        if (examples.isEmpty()) {
            return null;
        }
        double[] sum = new double[examples.get(0).length];
        for (float[] x : examples) {
            if (x.length != sum.length) {
                throw new IllegalArgumentException("examples must share one dimension (" + sum.length + ") but one had "
                        + x.length);
            }
            Vectors.addScaled(sum, x, 1.0);
        }
        return Vectors.normalizeOrNull(sum);
    }

    /** Precision and recall of every seed on the model, in the order given. */
    public static Map<Long, Quality> quality(KMeansState state, List<Seed> seeds) {
        Map<Long, int[]> landed = new LinkedHashMap<>();
        Map<Long, int[]> kept = new LinkedHashMap<>();
        for (Seed s : seeds) {
            landed.putIfAbsent(s.segmentId(), new int[1]);
            kept.putIfAbsent(s.segmentId(), new int[1]);
        }
        for (Seed s : seeds) {
            for (float[] x : s.examples()) {
                if (x.length != state.dimension()) {
                    continue;
                }
                long to = state.segmentId(Vectors.nearest(state.centroidsRef(), x));
                int[] l = landed.get(to);
                if (l != null) {
                    l[0]++;
                }
                if (to == s.segmentId()) {
                    kept.get(s.segmentId())[0]++;
                }
            }
        }
        Map<Long, Quality> out = new LinkedHashMap<>();
        for (Seed s : seeds) {
            int k = kept.get(s.segmentId())[0];
            int l = landed.get(s.segmentId())[0];
            out.put(s.segmentId(), new Quality(s.segmentId(), s.examples().size(), k,
                    l == 0 ? null : (double) k / l, s.examples().isEmpty() ? 0 : (double) k / s.examples().size()));
        }
        return out;
    }
}

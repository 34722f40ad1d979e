package io.shoal.store;

import io.shoal.config.VectorEncoding;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.shoal.segmentation.ClusteringMetrics;
import io.shoal.segmentation.KMeansSeeder;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.StreamingKMeans;

/**
 * What storing profiles in float16 or int8 costs in segment assignments: profiles of 16 overlapping groups in
 * d = 384 are assigned to the same centroids from their exact and their stored vectors; the ARI between the two
 * labelings is the effect of the encoding. Measured: float16 1.0, int8 ≥ 0.99 (see README, Memory).
 */
class VectorEncodingAriTest {

    private static final int D = 384;

    private static float[] unit(float[] around, double noise, SplittableRandom r) {
        float[] v = new float[D];
        double n = 0;
        for (int i = 0; i < D; i++) {
            v[i] = (float) ((around == null ? 0 : around[i]) + noise * r.nextGaussian() / Math.sqrt(D));
            n += (double) v[i] * v[i];
        }
        for (int i = 0; i < D; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private static double agreement(VectorEncoding encoding) {
        SplittableRandom r = new SplittableRandom(3);
        float[][] centres = new float[16][];
        for (int j = 0; j < centres.length; j++) {
            centres[j] = unit(null, 1, r);
        }
        List<float[]> profiles = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            // Heavy noise: many profiles sit near a boundary, where rounding could flip them.
            profiles.add(unit(centres[i % centres.length], 1.6, r));
        }
        KMeansState state = new KMeansSeeder(5, 10).seed(profiles, 16, 1).state();
        int[] exact = new int[profiles.size()];
        int[] stored = new int[profiles.size()];
        for (int i = 0; i < profiles.size(); i++) {
            exact[i] = StreamingKMeans.assign(state, profiles.get(i)).segment();
            float[] back = VectorCodec.decode(VectorCodec.encode(profiles.get(i), encoding));
            stored[i] = StreamingKMeans.assign(state, back).segment();
        }
        return ClusteringMetrics.adjustedRandIndex(exact, stored);
    }

    @Test
    void float16LeavesAssignmentsAsTheyAre() {
        assertThat(agreement(VectorEncoding.FLOAT16)).isGreaterThanOrEqualTo(0.999);
    }

    @Test
    void int8ChangesAssignmentsOnlyAtTheMargins() {
        assertThat(agreement(VectorEncoding.INT8)).isGreaterThanOrEqualTo(0.98);
    }
}

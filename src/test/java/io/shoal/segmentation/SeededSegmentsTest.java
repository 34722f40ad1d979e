package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/**
 * Seeded segments: added beside the learned ones, held at their examples through refits (same id and slot, the
 * learned k unchanged), never retired by a rescue; precision and recall of the examples.
 */
class SeededSegmentsTest {

    private static final int D = 16;
    private final SplittableRandom random = new SplittableRandom(11);

    private float[] around(float[] c, double noise) {
        float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) ((c == null ? 0 : c[i]) + noise * random.nextGaussian());
        }
        return Vectors.normalizeOrNull(v);
    }

    private static SegmentationParams params(int k) {
        return TestParams.with(TestParams.of(k, 1000, StreamingKMeans.TimeUnit.POINTS, 0.05, 0.02, 0, 3_600_000L,
                0.01, 1e-4, 10, 10), 10 * k, 5000, new RefitPolicy(2, 0, 0.01, 0, 0.01, 0.5));
    }

    private static SegmentModel model(float[][] centres, double[] weights, long[] ids, long nextId) {
        float[][] sums = new float[centres.length][];
        for (int j = 0; j < centres.length; j++) {
            sums[j] = centres[j].clone();
            for (int i = 0; i < D; i++) {
                sums[j][i] *= (float) weights[j];
            }
        }
        return new SegmentModel(Algorithm.KMEANS, centres.length, D, 7, nextId, ids, weights, sums, null,
                new long[centres.length], 3, 100, 0);
    }

    private SegmentRefit.Sample sample(float[][] centres, int perGroup) {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Long> segments = new ArrayList<>();
        for (int g = 0; g < centres.length; g++) {
            for (int u = 0; u < perGroup; u++) {
                ids.add("g" + g + "-" + u);
                vectors.add(around(centres[g], 0.15));
                segments.add(null);
            }
        }
        return new SegmentRefit.Sample(ids, vectors, segments);
    }

    @Test
    void aSeededSegmentIsAddedBesideTheLearnedOnesAndRefitsHoldItAtItsExamples() {
        float[][] groups = { around(null, 1), around(null, 1), around(null, 1) };
        // Two learned segments; the third group has no segment of its own: a marketer seeds it from examples.
        SegmentModel live = model(new float[][] { groups[0], groups[1] }, new double[] { 50, 50 },
                new long[] { 10, 11 }, 12);
        SegmentRefit refit = new SegmentRefit(params(2));
        SegmentRefit.Sample sample = sample(groups, 40);
        List<float[]> examples = List.of(around(groups[2], 0.1), around(groups[2], 0.1), around(groups[2], 0.1));
        float[] direction = SeededSegments.direction(examples);

        SegmentRefit.Swap added = refit.addSeeded(live, direction, sample, 1_000);
        assertThat(added.cause()).isEqualTo(SegmentRefit.Cause.SEEDED_SEGMENT);
        assertThat(added.cause().reason()).isEqualTo("seeded_segment");
        SegmentModel seeded = added.model();
        assertThat(seeded.ids()).containsExactly(10, 11, 12);
        assertThat(seeded.nextSegmentId()).isEqualTo(13);
        assertThat(seeded.generation()).isEqualTo(live.generation() + 1);
        assertThat(Vectors.dot(seeded.kmeans().centroid(2), direction)).isCloseTo(1, within(1e-5));
        // The sample's third group now weighs in the seeded segment: a third of the weight.
        assertThat(seeded.weights()[2]).isCloseTo(100.0 / 3, within(1e-6));

        // A growth refit fits the 2 learned segments and holds the seeded one in its slot, at its examples.
        SegmentRefit.Swap swap = refit.maintain(seeded, sample, 300, RefitPolicy.Trigger.GROWTH, 2_000,
                Map.of(12L, direction)).orElseThrow();
        SegmentModel after = swap.model();
        assertThat(after.k()).isEqualTo(3);
        assertThat(after.ids()[2]).isEqualTo(12);
        assertThat(Vectors.dot(after.kmeans().centroid(2), direction)).isCloseTo(1, within(1e-5));
        assertThat(after.ids()).contains(10L, 11L);

        // Without the seed the same refit treats segment 12 as any other: it moves to its members' mean.
        SegmentRefit.Swap free = refit.maintain(seeded, sample, 300, RefitPolicy.Trigger.GROWTH, 2_000).orElseThrow();
        int slot = free.model().slotOf(12);
        assertThat(slot).isNotNegative();
        assertThat(Vectors.dot(free.model().kmeans().centroid(slot), direction)).isLessThan(0.9999);
    }

    @Test
    void aRescueNeverRetiresASeededSegmentHoweverLightItIs() {
        float[][] groups = { around(null, 1), around(null, 1) };
        float[] lonely = around(null, 1);
        SegmentModel live = model(new float[][] { groups[0], groups[1], lonely }, new double[] { 50, 50, 0.01 },
                new long[] { 10, 11, 12 }, 13);
        SegmentRefit.Sample sample = sample(groups, 40);
        SegmentRescue rescue = new SegmentRescue(0.05);
        assertThat(rescue.rescue(live.kmeans(), sample.vectors()).events()).isNotEmpty();
        SegmentRescue.RescueResult held = rescue.rescue(live.kmeans(), sample.vectors(), java.util.Set.of(12L));
        assertThat(held.events()).isEmpty();
        assertThat(held.state().segmentIds()).containsExactly(10, 11, 12);
    }

    @Test
    void precisionAndRecallCountTheExamplesNearestToEachSeed() {
        KMeansState state = new KMeansState(new float[][] { { 1, 0 }, { 0, 1 } }, new double[] { 1, 1 }, 1);
        float s = (float) Math.sqrt(0.5);
        // Seed 0: three examples, two nearest to it. Seed 1: two examples, both nearest to segment 0.
        List<SeededSegments.Seed> seeds = List.of(
                new SeededSegments.Seed(0, List.of(new float[] { 1, 0 }, new float[] { 0.9f, 0.1f },
                        new float[] { 0.1f, 0.9f })),
                new SeededSegments.Seed(1, List.of(new float[] { s + 0.01f, s }, new float[] { 1, 0.2f })));
        Map<Long, SeededSegments.Quality> q = SeededSegments.quality(state, seeds);
        assertThat(q.get(0L).kept()).isEqualTo(2);
        assertThat(q.get(0L).recall()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(q.get(0L).precision()).isCloseTo(2 / 4.0, within(1e-9));
        assertThat(q.get(1L).kept()).isZero();
        assertThat(q.get(1L).recall()).isZero();
        // One of seed 0's examples landed in segment 1 and none of its own: precision 0.
        assertThat(q.get(1L).precision()).isZero();
        assertThat(SeededSegments.direction(List.of(new float[] { 1, 0 }, new float[] { -1, 0 }))).isNull();
    }
}

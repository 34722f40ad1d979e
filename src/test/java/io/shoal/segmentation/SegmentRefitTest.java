package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/**
 * Refits: warm vs fresh, stable ids through the optimal matching, new ids for unmatched segments, lineage; seeded
 * segments added beside the learned ones, held at their examples through refits, never retired by a rescue, and the
 * precision/recall of their examples.
 */
class SegmentRefitTest {

    private static final int D = 16;
    private final SplittableRandom random = new SplittableRandom(5);

    private float[] around(float[] c, double noise) {
        float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) ((c == null ? 0 : c[i]) + noise * random.nextGaussian());
        }
        return Vectors.normalizeOrNull(v);
    }

    private static SegmentationParams params(int k, RefitPolicy refit) {
        return TestParams.with(TestParams.of(k, 1000, StreamingKMeans.TimeUnit.POINTS, 0.05, 0.02, 0, 3_600_000L,
                0.01, 1e-4, 10, 10), 10 * k, 5000, refit);
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

    private SegmentRefit.Sample sample(float[][] centres, int perGroup, Long[] segmentOfGroup) {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Long> segments = new ArrayList<>();
        for (int g = 0; g < centres.length; g++) {
            for (int u = 0; u < perGroup; u++) {
                ids.add("g" + g + "-" + u);
                vectors.add(around(centres[g], 0.15));
                segments.add(segmentOfGroup[g]);
            }
        }
        return new SegmentRefit.Sample(ids, vectors, segments);
    }

    @Test
    void aGrowthRefitKeepsTheIdsOfSegmentsThatStayAndGivesANewIdToOneThatWasMerged() {
        float[][] groups = { around(null, 1), around(null, 1), around(null, 1) };
        // The live model merged groups 1 and 2 into segment 11 and holds a stray segment 12 between them.
        float[] merged = Vectors.normalizeOrNull(new float[D]);
        float[] mid = new float[D];
        for (int i = 0; i < D; i++) {
            mid[i] = groups[1][i] + groups[2][i];
        }
        merged = Vectors.normalizeOrNull(mid);
        float[] stray = around(null, 1);
        SegmentModel live = model(new float[][] { groups[0], merged, stray }, new double[] { 50, 100, 1 },
                new long[] { 10, 11, 12 }, 13);
        SegmentRefit.Sample sample = sample(groups, 40, new Long[] { 10L, 11L, 11L });
        SegmentRefit refit = new SegmentRefit(params(3, new RefitPolicy(2, 0, 0.01, 0, 0.01, 0.5)));

        Optional<SegmentRefit.Swap> swap = refit.maintain(live, sample, 300, RefitPolicy.Trigger.GROWTH, 1_000);

        assertThat(swap).isPresent();
        SegmentModel next = swap.get().model();
        assertThat(next.generation()).isEqualTo(4);
        assertThat(next.fittedProfiles()).isEqualTo(300);
        assertThat(swap.get().cost()).isLessThan(swap.get().liveCost());
        // Segment 10 (group 0) keeps its id and slot; every id is distinct and ids are never re-used.
        assertThat(next.ids()[0]).isEqualTo(10);
        Set<Long> ids = new HashSet<>();
        for (long id : next.ids()) {
            ids.add(id);
        }
        assertThat(ids).hasSize(3);
        assertThat(next.nextSegmentId()).isGreaterThanOrEqualTo(13);
        // Each group now has its own segment.
        KMeansState state = next.kmeans();
        Set<Integer> slots = new HashSet<>();
        for (float[] g : groups) {
            slots.add(StreamingKMeans.assign(state, g).segment());
        }
        assertThat(slots).hasSize(3);
        // The total weight is kept (the forgetting goes on at the same scale).
        assertThat(Arrays.stream(next.weights()).sum()).isCloseTo(151, org.assertj.core.api.Assertions.within(1e-6));
        // Lineage: 10 survived; 11 split (or survived and one born).
        assertThat(swap.get().lineage()).anySatisfy(t -> {
            assertThat(t.kind()).isEqualTo(SegmentLineage.Kind.SURVIVED);
            assertThat(t.from()).containsExactly(10L);
            assertThat(t.to()).containsExactly(10L);
        });
        assertThat(swap.get().lineage()).anySatisfy(t -> assertThat(t.from()).contains(11L));
    }

    @Test
    void aCheckOnAModelAtItsOptimumChangesNothing() {
        float[][] groups = { around(null, 1), around(null, 1), around(null, 1) };
        SegmentRefit.Sample sample = sample(groups, 40, new Long[] { 0L, 1L, 2L });
        SegmentModel seeded = new SegmentRefit(params(3, new RefitPolicy(2, 100, 0.01, 0, 0.01, 0.5)))
                .seed(new SegmentRefit.Sample(sample.userIds(), sample.vectors(), Arrays.asList(new Long[120])), 120,
                        0).model();
        List<Long> segments = new ArrayList<>();
        KMeansState s = seeded.kmeans();
        for (float[] v : sample.vectors()) {
            segments.add(s.segmentId(StreamingKMeans.assign(s, v).segment()));
        }
        SegmentRefit.Sample assigned = new SegmentRefit.Sample(sample.userIds(), sample.vectors(), segments);

        assertThat(new SegmentRefit(params(3, new RefitPolicy(2, 100, 0.01, 0, 0.01, 0.5)))
                .maintain(seeded, assigned, 120, RefitPolicy.Trigger.CHECK, 10)).isEmpty();
    }

    @Test
    void aCheckOnADriftedModelRefitsWithoutMovingTheGrowthBaseline() {
        float[][] groups = { around(null, 1), around(null, 1), around(null, 1) };
        SegmentModel live = model(groups, new double[] { 40, 40, 40 }, new long[] { 0, 1, 2 }, 3);
        // Every sampled shopper is stored in the wrong segment (stale assignments): the live cost is far above a fit's.
        SegmentRefit.Sample stale = sample(groups, 40, new Long[] { 1L, 2L, 0L });

        Optional<SegmentRefit.Swap> swap = new SegmentRefit(params(3, new RefitPolicy(2, 100, 0.01, 0, 0.01, 0.5)))
                .maintain(live, stale, 120, RefitPolicy.Trigger.CHECK, 10);

        assertThat(swap).isPresent();
        assertThat(swap.get().cause()).isEqualTo(SegmentRefit.Cause.REFIT);
        assertThat(swap.get().model().ids()).containsExactly(0, 1, 2);
        assertThat(swap.get().model().fittedProfiles()).isEqualTo(live.fittedProfiles());
        assertThat(swap.get().model().generation()).isEqualTo(live.generation() + 1);
    }

    @Test
    void aSeededSegmentIsAddedBesideTheLearnedOnesAndRefitsHoldItAtItsExamples() {
        float[][] groups = { around(null, 1), around(null, 1), around(null, 1) };
        // Two learned segments; the third group has no segment of its own: a marketer seeds it from examples.
        SegmentModel live = model(new float[][] { groups[0], groups[1] }, new double[] { 50, 50 },
                new long[] { 10, 11 }, 12);
        SegmentRefit refit = new SegmentRefit(params(2, new RefitPolicy(2, 0, 0.01, 0, 0.01, 0.5)));
        SegmentRefit.Sample sample = sample(groups, 40, new Long[groups.length]);
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
        SegmentRefit.Sample sample = sample(groups, 40, new Long[groups.length]);
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

package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shoal.segmentation.SegmentLifecycleEvent.Kind;
import io.shoal.segmentation.StreamingKMeans.TimeUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * End to end on seeded synthetic data: 8 groups on the unit sphere in d = 32 with noise, seeded on a first sample
 * and then streamed in micro-batches, as the pipeline will run it. Clusters are matched order-independently by ARI
 * on a held-out set.
 */
class StreamingSegmentationTest {

    private static final int GROUPS = 8;
    private static final int BATCHES = 30;
    private static final int BATCH_SIZE = 100;

    private final SyntheticGroups data = new SyntheticGroups(GROUPS, 32, 0.8, 99);
    private final SegmentationParams params = TestParams.of(GROUPS, 10, TimeUnit.BATCHES, 0.1, 0.05, 0,
            3_600_000L, 0.01, 1e-4, 20, 10);

    @Test
    void streamingKMeansWithSeedingRescueAndRefinementReachesHighAri() {
        KMeansState state = params.seeder().seed(data.draw(400).vectors(), GROUPS, 1).state();
        SegmentRescue rescue = params.rescue();
        List<float[]> recent = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            List<float[]> batch = data.draw(BATCH_SIZE).vectors();
            state = StreamingKMeans.step(state, batch, params.decay(batch.size()));
            state = rescue.rescue(state, batch).state();
            recent.addAll(batch);
            if (b % 10 == 9) {
                state = KMeansSeeder.refine(state, recent, params.lloydIterations()).state();
                recent.clear();
            }
        }

        SyntheticGroups.Sample holdout = data.draw(1000);
        KMeansState last = state;
        int[] predicted = holdout.vectors().stream().mapToInt(p -> StreamingKMeans.assign(last, p).segment())
                .toArray();
        assertThat(ClusteringMetrics.adjustedRandIndex(holdout.labels(), predicted)).isGreaterThanOrEqualTo(0.9);
        assertThat(ClusteringMetrics.adjustedMutualInformation(holdout.labels(), predicted))
                .isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void aGroupThatLeavesIsRetiredAndANewGroupGetsANewSegment() {
        // Seed on groups 0..6 plus 7; then group 7 stops and a group never seen (8) starts.
        SyntheticGroups world = new SyntheticGroups(GROUPS + 1, 32, 0.8, 5);
        int[] before = {0, 1, 2, 3, 4, 5, 6, 7};
        int[] after = {0, 1, 2, 3, 4, 5, 6, 8};
        KMeansState state = params.seeder().seed(world.draw(400, before).vectors(), GROUPS, 3).state();
        SegmentRescue rescue = params.rescue();
        List<SegmentLifecycleEvent> events = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            List<float[]> batch = world.draw(BATCH_SIZE, after).vectors();
            state = StreamingKMeans.step(state, batch, params.decay(batch.size()));
            SegmentRescue.RescueResult r = rescue.rescue(state, batch);
            events.addAll(r.events());
            state = r.state();
        }

        assertThat(events).extracting(SegmentLifecycleEvent::kind).contains(Kind.RETIRED, Kind.CREATED);
        assertThat(state.nextSegmentId()).isGreaterThan(GROUPS);
        SyntheticGroups.Sample holdout = world.draw(1000, after);
        KMeansState last = state;
        int[] predicted = holdout.vectors().stream().mapToInt(p -> StreamingKMeans.assign(last, p).segment())
                .toArray();
        assertThat(ClusteringMetrics.adjustedRandIndex(holdout.labels(), predicted)).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void onlineGmmSeededFromKMeansReachesHighAri() {
        List<float[]> seedSample = data.draw(400).vectors();
        KMeansState seeds = params.seeder().seed(seedSample, GROUPS, 1).state();
        OnlineGmm gmm = params.gmm();
        GmmState state = gmm.initial(seeds, seedSample);
        for (int b = 0; b < BATCHES; b++) {
            List<float[]> batch = data.draw(BATCH_SIZE).vectors();
            state = gmm.update(state, batch, params.decay(batch.size()));
        }

        SyntheticGroups.Sample holdout = data.draw(1000);
        GmmState last = state;
        int[] predicted = holdout.vectors().stream().mapToInt(p -> gmm.segment(last, p)).toArray();
        assertThat(ClusteringMetrics.adjustedRandIndex(holdout.labels(), predicted)).isGreaterThanOrEqualTo(0.9);
        double[] posterior = gmm.memberships(last, holdout.vectors().get(0));
        assertThat(Arrays.stream(posterior).sum()).isCloseTo(1.0, within(1e-9));
    }
}

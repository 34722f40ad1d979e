package io.shoal.segmentation;

import static io.shoal.segmentation.SyntheticGroups.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;

/** The identity-merge rule: {@link ProfileUpdater#merge} and {@link SegmentationEngine#merge}. */
class ProfileMergeTest {

    private static final long HOUR = 3_600_000L;
    private final ProfileUpdater updater = new ProfileUpdater(HOUR);

    @Test
    void mergingASingleEventProfileIsExactlyApplyingThatEvent() {
        UserProfile known = new UserProfile(unit(1, 0), 4, 0);
        UserProfile oneEvent = updater.apply(null, unit(0, 1), 2, HOUR);

        UserProfile merged = updater.merge(known, oneEvent);
        UserProfile applied = updater.apply(known, unit(0, 1), 2, HOUR);

        assertThat(merged.weight()).isEqualTo(applied.weight()).isEqualTo(4.0);
        assertThat(merged.vector()).containsExactly(applied.vector(), within(1e-7f));
        assertThat(merged.lastEventMillis()).isEqualTo(HOUR);
    }

    @Test
    void bothSidesAreDecayedToTheNewerTimeAndTheMergeIsSymmetric() {
        UserProfile old = new UserProfile(unit(1, 0), 8, 0);
        UserProfile recent = new UserProfile(unit(0, 1), 2, 2 * HOUR);

        UserProfile ab = updater.merge(old, recent);
        UserProfile ba = updater.merge(recent, old);

        // old decays two half-lives: 8 -> 2, so both sides weigh 2: the direction is the diagonal, w = 4.
        assertThat(ab.weight()).isEqualTo(4.0);
        assertThat(ab.vector()).containsExactly(new float[] {0.70710677f, 0.70710677f}, within(1e-7f));
        assertThat(ab.lastEventMillis()).isEqualTo(2 * HOUR);
        assertThat(ba).isEqualTo(ab);
    }

    @Test
    void aMissingSideLeavesTheOtherUnchanged() {
        UserProfile p = new UserProfile(unit(3, 4), 1.5, 7);

        assertThat(updater.merge(p, null)).isSameAs(p);
        assertThat(updater.merge(null, p)).isSameAs(p);
        assertThat(updater.merge(null, null)).isNull();
    }

    @Test
    void oppositeProfilesOfEqualWeightKeepTheFirstDirection() {
        UserProfile a = new UserProfile(unit(1, 0), 2, 0);
        UserProfile b = new UserProfile(unit(-1, 0), 2, 0);

        UserProfile merged = updater.merge(a, b);

        assertThat(merged.vector()).containsExactly(new float[] {1, 0}, within(0f));
        assertThat(merged.weight()).isEqualTo(4.0);
    }

    @Test
    void theEngineDecidesTheMergedShopperByTheNearestSegmentWithoutHysteresis() {
        // A large margin and a day of dwell: a behaviour event could not move this shopper.
        SegmentationParams params = TestParams.of(2, 10, StreamingKMeans.TimeUnit.BATCHES, 0.01, 0.5, 86_400_000L,
                HOUR, 0.01, 1e-4, 1, 5);
        SegmentationEngine engine = new SegmentationEngine(params);
        int d = 2;
        // Two segments: id 10 along x, id 11 along y.
        KMeansState state = new KMeansState(new float[][] {unit(1, 0), unit(0, 1)}, new double[] {5, 5}, 1);
        SegmentModel model = SegmentModel.fromKMeans(SegmentBatchPlanner.Algorithm.KMEANS, state, new long[2], null);
        long[] ids = model.ids();
        long t = 1_000_000;
        // Known shopper: weakly in x's segment; the anonymous one: strongly y. The margin/dwell policy would hold a
        // shopper that just entered its segment; a merge moves it at once.
        UserState known = new UserState(new UserProfile(unit(1, 0.2f), 1, t), ids[0], t);
        UserState anonymous = new UserState(new UserProfile(unit(0, 1), 5, t), ids[1], t - 1);

        UserOutcome o = engine.merge(model, "u", known, anonymous);

        assertThat(o.segmentId()).isEqualTo(ids[1]);
        assertThat(o.fromSegment()).isEqualTo(ids[0]);
        assertThat(o.segmentChanged()).isTrue();
        assertThat(o.profile()).isEqualTo(params.profileUpdater().merge(known.profile(), anonymous.profile()));
        assertThat(o.profileChanged()).isTrue();
        assertThat(o.profile().dimension()).isEqualTo(d);
    }

    @Test
    void withoutAModelTheMergedShopperKeepsItsSegment() {
        SegmentationEngine engine = new SegmentationEngine(TestParams.of(2, 10, StreamingKMeans.TimeUnit.BATCHES, 0.01,
                0.05, 0, HOUR, 0.01, 1e-4, 1, 5));
        UserState known = new UserState(new UserProfile(unit(1, 0), 1, 5), null, 0);

        UserOutcome o = engine.merge(null, "u", known, UserState.NEW);

        assertThat(o.decision()).isNull();
        assertThat(o.segmentId()).isNull();
        assertThat(o.profile()).isEqualTo(known.profile());
    }
}

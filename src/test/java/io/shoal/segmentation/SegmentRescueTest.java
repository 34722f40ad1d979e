package io.shoal.segmentation;

import static io.shoal.segmentation.SyntheticGroups.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.segmentation.SegmentLifecycleEvent.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentRescueTest {

    @Test
    void starvingSegmentIsReseededBySplittingTheDonorWithANewId() {
        // Slot 0 covers two sub-groups (around x and around y); slot 1 starves.
        KMeansState s = new KMeansState(new float[][] {unit(1, 1, 0), unit(0, 0, 1)}, new double[] {100, 2},
                new double[] {0.9, 1}, new long[] {3, 5}, 6, 10);
        List<float[]> sample = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sample.add(unit(1, 0.05 * i, 0));
            sample.add(unit(0.05 * i, 1, 0));
        }

        SegmentRescue.RescueResult r = new SegmentRescue(0.1).rescue(s, sample);

        KMeansState next = r.state();
        assertThat(next.segmentIds()).containsExactly(3, 6);
        assertThat(next.nextSegmentId()).isEqualTo(7);
        assertThat(next.version()).isEqualTo(11);
        assertThat(next.weight(0) + next.weight(1)).isEqualTo(100);
        assertThat(next.weight(1)).isEqualTo(50);
        // The two halves each sit on one sub-group.
        assertThat(Math.max(next.centroid(0)[0], next.centroid(1)[0])).isGreaterThan(0.95f);
        assertThat(Math.max(next.centroid(0)[1], next.centroid(1)[1])).isGreaterThan(0.95f);
        assertThat(r.events()).extracting(SegmentLifecycleEvent::kind)
                .containsExactly(Kind.RETIRED, Kind.CREATED, Kind.SPLIT);
        assertThat(r.events().get(0)).isEqualTo(new SegmentLifecycleEvent(Kind.RETIRED, 1, 5, -1, -1, 2, 11));
        assertThat(r.events().get(1)).isEqualTo(new SegmentLifecycleEvent(Kind.CREATED, 1, 6, 0, 3, 50, 11));
        assertThat(r.events().get(2)).isEqualTo(new SegmentLifecycleEvent(Kind.SPLIT, 0, 3, 1, 6, 50, 11));
    }

    @Test
    void healthyStateIsReturnedUnchanged() {
        KMeansState s = KMeansState.initial(new float[][] {{1, 0}, {0, 1}}, new double[] {10, 5});

        SegmentRescue.RescueResult r = new SegmentRescue(0.1).rescue(s, List.of(unit(1, 0)));

        assertThat(r.state()).isSameAs(s);
        assertThat(r.events()).isEmpty();
    }

    @Test
    void unsplittableDonorFallsBackToTheWorstServedProfile() {
        // Slot 0's members coincide (no spread); slot 1 donates but has a single member, which cannot be split.
        KMeansState s = KMeansState.initial(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
                new double[] {50, 10, 1});
        List<float[]> sample = List.of(unit(1, 0, 0), unit(1, 0, 0), unit(1, 0, 0), unit(0.6, 0.8, 0));

        SegmentRescue.RescueResult r = new SegmentRescue(0.1).rescue(s, sample);

        assertThat(r.events()).containsExactly(
                new SegmentLifecycleEvent(Kind.RETIRED, 2, 2, -1, -1, 1, 1),
                new SegmentLifecycleEvent(Kind.CREATED, 2, 3, -1, -1, 5, 1));
        assertThat(r.state().centroid(2)).containsExactly(unit(0.6, 0.8, 0));
        assertThat(r.state().weights()).containsExactly(50, 10, 5);
    }

    @Test
    void nothingToSplitAndNobodyPoorlyServedLeavesTheStateAlone() {
        KMeansState s = KMeansState.initial(new float[][] {{1, 0, 0}, {0, 0, 1}}, new double[] {50, 1});

        SegmentRescue.RescueResult r = new SegmentRescue(0.1).rescue(s, List.of(unit(1, 0, 0), unit(1, 0, 0)));

        assertThat(r.events()).isEmpty();
        assertThat(r.state()).isSameAs(s);
    }

    @Test
    void withoutASampleNothingCanBeReseeded() {
        KMeansState s = KMeansState.initial(new float[][] {{1, 0}, {0, 1}}, new double[] {10, 0});

        SegmentRescue.RescueResult r = new SegmentRescue(0.1).rescue(s, List.of());

        assertThat(r.events()).isEmpty();
        assertThat(new SegmentRescue(0.1).deadSlots(s)).containsExactly(1);
    }

    @Test
    void validatesDeadFraction() {
        assertThatThrownBy(() -> new SegmentRescue(1.0)).hasMessage("deadFraction must be in [0, 1) but was 1.0");
        assertThatThrownBy(() -> new SegmentRescue(-0.5)).hasMessage("deadFraction must be in [0, 1) but was -0.5");
    }
}

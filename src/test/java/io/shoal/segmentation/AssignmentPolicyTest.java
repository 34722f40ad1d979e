package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.shoal.segmentation.AssignmentPolicy.Decision;
import io.shoal.segmentation.AssignmentPolicy.Reason;
import org.junit.jupiter.api.Test;

class AssignmentPolicyTest {

    private static final long MINUTE = 60_000L;
    private final AssignmentPolicy policy = new AssignmentPolicy(0.05, 10 * MINUTE);

    @Test
    void firstAssignmentIsTheBest() {
        Decision d = policy.decide(-1, false, 0, new double[] {0.2, 0.7, 0.5}, 0);

        assertThat(d.segment()).isEqualTo(1);
        assertThat(d.reason()).isEqualTo(Reason.ASSIGNED);
        assertThat(d.similarity()).isEqualTo(0.7);
        assertThat(d.margin()).isCloseTo(0.2, within(1e-12));
        assertThat(d.changed()).isTrue();
    }

    @Test
    void staysWhenTheCurrentSegmentIsStillBest() {
        Decision d = policy.decide(1, false, 0, new double[] {0.2, 0.7, 0.5}, MINUTE);

        assertThat(d.reason()).isEqualTo(Reason.STAYED);
        assertThat(d.segment()).isEqualTo(1);
        assertThat(d.changed()).isFalse();
    }

    @Test
    void movesWhenMarginAndDwellAreBothMet() {
        Decision d = policy.decide(0, false, 0, new double[] {0.60, 0.65}, 10 * MINUTE);

        assertThat(d.reason()).isEqualTo(Reason.MOVED);
        assertThat(d.segment()).isEqualTo(1);
        assertThat(d.margin()).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void smallGainIsSuppressedEvenAfterALongDwell() {
        Decision d = policy.decide(0, false, 0, new double[] {0.60, 0.64}, 100 * MINUTE);

        assertThat(d.reason()).isEqualTo(Reason.SUPPRESSED);
        assertThat(d.suppressed()).isTrue();
        assertThat(d.segment()).isEqualTo(0);
        assertThat(d.similarity()).isEqualTo(0.60);
        assertThat(d.margin()).isCloseTo(-0.04, within(1e-12));
    }

    @Test
    void largeGainIsSuppressedBeforeTheDwellIsOver() {
        Decision early = policy.decide(0, false, 0, new double[] {0.1, 0.9}, 10 * MINUTE - 1);
        Decision outOfOrder = policy.decide(0, false, 10 * MINUTE, new double[] {0.1, 0.9}, 0);

        assertThat(early.reason()).isEqualTo(Reason.SUPPRESSED);
        assertThat(outOfOrder.reason()).isEqualTo(Reason.SUPPRESSED);
    }

    @Test
    void retiredSegmentMovesToTheBestRegardlessOfDwell() {
        Decision d = policy.decide(-1, true, 0, new double[] {0.3, 0.31}, 0);

        assertThat(d.reason()).isEqualTo(Reason.SEGMENT_RETIRED);
        assertThat(d.segment()).isEqualTo(1);
    }

    @Test
    void decidesBySegmentIdAgainstAState() {
        KMeansState s = new KMeansState(new float[][] {{1, 0}, {0, 1}}, new double[] {1, 1}, new double[] {1, 1},
                new long[] {4, 9}, 10, 3);
        double[] scores = {0.2, 0.9};

        assertThat(policy.decide(null, 0, s, scores, 0).reason()).isEqualTo(Reason.ASSIGNED);
        assertThat(policy.decide(4L, 0, s, scores, 0).reason()).isEqualTo(Reason.SUPPRESSED);
        assertThat(policy.decide(4L, 0, s, scores, 10 * MINUTE).reason()).isEqualTo(Reason.MOVED);
        Decision retired = policy.decide(2L, 0, s, scores, 0);
        assertThat(retired.reason()).isEqualTo(Reason.SEGMENT_RETIRED);
        assertThat(retired.segment()).isEqualTo(1);
    }

    @Test
    void zeroMarginAndDwellAlwaysFollowTheBest() {
        AssignmentPolicy off = new AssignmentPolicy(0, 0);

        assertThat(off.decide(0, false, 5, new double[] {0.5, 0.5000001}, 5).reason()).isEqualTo(Reason.MOVED);
    }

    @Test
    void validatesParameters() {
        assertThatThrownBy(() -> new AssignmentPolicy(-0.1, 0))
                .hasMessage("margin must be finite and >= 0 but was -0.1");
        assertThatThrownBy(() -> new AssignmentPolicy(0.1, -5))
                .hasMessage("minDwellMillis must be >= 0 but was -5");
        assertThatThrownBy(() -> policy.decide(3, false, 0, new double[] {0.1, 0.2}, 0))
                .hasMessage("currentSlot must be < 2 (the number of slots) but was 3");
        assertThatThrownBy(() -> policy.decide(0, false, 0, new double[0], 0))
                .hasMessage("scores must be non-empty");
    }
}

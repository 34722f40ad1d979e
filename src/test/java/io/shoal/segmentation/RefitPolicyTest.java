package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.shoal.segmentation.RefitPolicy.Trigger;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/** Each trigger of a refit, their precedence, and the drift and fresh-fit rules at their boundaries. */
class RefitPolicyTest {

    private static SegmentModel fittedAt(long profiles, long atMillis) {
        return new SegmentModel(Algorithm.KMEANS, 1, 2, 3, 1, new long[] { 0 }, new double[] { 1 },
                new float[][] { { 1, 0 } }, null, new long[1], 2, profiles, atMillis);
    }

    private final RefitPolicy policy = new RefitPolicy(2, 1000, 0.01, 60_000, 0.01, 0.5);

    @Test
    void growthFiresWhenTheProfiledShoppersDoubledSinceTheLastFit() {
        SegmentModel m = fittedAt(120, 0);
        assertThat(policy.due(m, 239, 0, 1)).isEqualTo(Trigger.NONE);
        assertThat(policy.due(m, 240, 0, 1)).isEqualTo(Trigger.GROWTH);
        // So a young model is refit at 2x, 4x, 8x the bootstrap size: each fit moves the baseline.
        assertThat(policy.due(fittedAt(240, 0), 479, 0, 1)).isEqualTo(Trigger.NONE);
        assertThat(policy.due(fittedAt(240, 0), 480, 0, 1)).isEqualTo(Trigger.GROWTH);
    }

    @Test
    void ageFiresAtTheTimeCapOfTheDriversClock() {
        SegmentModel m = fittedAt(100, 10_000);
        assertThat(policy.due(m, 100, 0, 69_999)).isEqualTo(Trigger.NONE);
        assertThat(policy.due(m, 100, 0, 70_000)).isEqualTo(Trigger.AGE);
        assertThat(new RefitPolicy(2, 1000, 0.01, 0, 0.01, 0.5).due(m, 100, 0, Long.MAX_VALUE))
                .as("maxAge 0: no time cap").isEqualTo(Trigger.NONE);
    }

    @Test
    void aCheckIsDueAfterEnoughFoldedProfilesAndGrowthOrAgeComeFirst() {
        SegmentModel m = fittedAt(100, 0);
        assertThat(policy.due(m, 100, 999, 1)).isEqualTo(Trigger.NONE);
        assertThat(policy.due(m, 100, 1000, 1)).isEqualTo(Trigger.CHECK);
        assertThat(policy.due(m, 200, 1000, 1)).isEqualTo(Trigger.GROWTH);
        assertThat(policy.due(m, 100, 1000, 60_000)).isEqualTo(Trigger.AGE);
        assertThat(Trigger.CHECK.refit()).isFalse();
        assertThat(Trigger.GROWTH.refit()).isTrue();
    }

    @Test
    void neverTurnsEveryTriggerOff() {
        RefitPolicy never = RefitPolicy.never();
        assertThat(never.due(fittedAt(1, 0), Long.MAX_VALUE / 4, Long.MAX_VALUE, Long.MAX_VALUE))
                .isEqualTo(Trigger.NONE);
    }

    @Test
    void driftAndFreshFitRulesAtTheirMargins() {
        assertThat(policy.drifted(101.0, 100)).isFalse();
        assertThat(policy.drifted(101.01, 100)).isTrue();
        assertThat(policy.freshWins(99.0, 100)).isFalse();
        assertThat(policy.freshWins(98.99, 100)).isTrue();
    }

    @Test
    void parametersSayWhatWasWrong() {
        assertThatThrownBy(() -> new RefitPolicy(1, 0, 0, 0, 0, 0))
                .hasMessage("growthFactor must be > 1 (or +Infinity) but was 1.0");
        assertThatThrownBy(() -> new RefitPolicy(2, -1, 0, 0, 0, 0))
                .hasMessage("checkEveryPoints must be >= 0 but was -1");
        assertThatThrownBy(() -> new RefitPolicy(2, 0, -0.1, 0, 0, 0))
                .hasMessage("driftMargin must be finite and >= 0 but was -0.1");
        assertThatThrownBy(() -> new RefitPolicy(2, 0, 0, -5, 0, 0)).hasMessage("maxAgeMillis must be >= 0 but was -5");
        assertThatThrownBy(() -> new RefitPolicy(2, 0, 0, 0, 1.5, 0))
                .hasMessage("freshFitGain must be in [0, 1] but was 1.5");
        assertThatThrownBy(() -> new RefitPolicy(2, 0, 0, 0, 0, 2))
                .hasMessage("minMatchSimilarity must be in [-1, 1] but was 2.0");
    }
}

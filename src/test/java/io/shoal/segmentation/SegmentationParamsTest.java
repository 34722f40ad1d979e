package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.segmentation.StreamingKMeans.TimeUnit;
import org.junit.jupiter.api.Test;

class SegmentationParamsTest {

    private static SegmentationParams with(int k, double halfLife, TimeUnit unit, double dead, double margin,
            long dwell, long profileHalfLife, double minWeight, double varFloor, int restarts, int iterations) {
        return TestParams.of(k, halfLife, unit, dead, margin, dwell, profileHalfLife, minWeight, varFloor,
                restarts, iterations);
    }

    @Test
    void validParametersBuildTheirObjects() {
        SegmentationParams p = with(16, 20, TimeUnit.BATCHES, 0.05, 0.05, 600_000, 7L * 24 * 3600 * 1000, 0.01,
                1e-4, 20, 10);

        assertThat(p.k()).isEqualTo(16);
        assertThat(p.decay(100)).isEqualTo(Math.pow(0.5, 1 / 20.0));
        assertThat(p.profileUpdater().halfLifeMillis()).isEqualTo(p.profileHalfLifeMillis());
        assertThat(p.gmm().varFloor()).isEqualTo(p.gmmVarFloor());
        assertThat(p.seeder()).isNotNull();
        assertThat(p.rescue()).isNotNull();
        assertThat(p.assignmentPolicy()).isNotNull();
    }

    @Test
    void eachParameterSaysWhatWasWrongAndWhatWasGiven() {
        TimeUnit b = TimeUnit.BATCHES;
        assertThatThrownBy(() -> with(0, 1, b, 0.1, 0, 0, 1, 1, 1, 1, 0)).hasMessage("k must be >= 1 but was 0");
        assertThatThrownBy(() -> with(2, -1, b, 0.1, 0, 0, 1, 1, 1, 1, 0))
                .hasMessage("decayHalfLife must be > 0 but was -1.0");
        assertThatThrownBy(() -> with(2, 1, null, 0.1, 0, 0, 1, 1, 1, 1, 0))
                .hasMessage("decayUnit must be BATCHES or POINTS but was null");
        assertThatThrownBy(() -> with(2, 1, b, 1, 0, 0, 1, 1, 1, 1, 0))
                .hasMessage("deadFraction must be in [0, 1) but was 1.0");
        assertThatThrownBy(() -> with(2, 1, b, 0.1, -1, 0, 1, 1, 1, 1, 0))
                .hasMessage("assignmentMargin must be finite and >= 0 but was -1.0");
        assertThatThrownBy(() -> with(2, 1, b, 0.1, 0, -1, 1, 1, 1, 1, 0))
                .hasMessage("minDwellMillis must be >= 0 but was -1");
        assertThatThrownBy(() -> with(2, 1, b, 0.1, 0, 0, -3, 1, 1, 1, 0))
                .hasMessage("profileHalfLifeMillis must be > 0 but was -3");
        assertThatThrownBy(() -> with(2, 1, b, 0.1, 0, 0, 1, 0, 1, 1, 0))
                .hasMessage("profileMinWeight must be finite and > 0 but was 0.0");
        assertThatThrownBy(() -> with(2, 1, b, 0.1, 0, 0, 1, 1, 0, 1, 0))
                .hasMessage("gmmVarFloor must be finite and > 0 but was 0.0");
        assertThatThrownBy(() -> with(2, 1, b, 0.1, 0, 0, 1, 1, 1, 0, 0))
                .hasMessage("seedingRestarts must be >= 1 but was 0");
        assertThatThrownBy(() -> with(2, 1, b, 0.1, 0, 0, 1, 1, 1, 1, -1))
                .hasMessage("lloydIterations must be >= 0 but was -1");
    }
}

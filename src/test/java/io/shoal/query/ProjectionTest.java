package io.shoal.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProjectionTest {

    @Test
    void pointsSpreadAlongTwoAxesKeepTheirDistancesAndTheVarianceShares() {
        // Four points in 5-D spread along axes 2 and 4 (variances 4 and 1 about the mean): the picture is a rotation.
        float[][] points = { { 0, 2, 0, 0, 0 }, { 0, -2, 0, 0, 0 }, { 0, 0, 0, 1, 0 }, { 0, 0, 0, -1, 0 } };
        Projection.Result r = Projection.pca2(points);
        assertThat(r.firstShare()).isCloseTo(0.8, within(1e-9));
        assertThat(r.secondShare()).isCloseTo(0.2, within(1e-9));
        assertThat(Math.abs(r.coordinates()[0][0])).isCloseTo(2, within(1e-9));
        assertThat(Math.abs(r.coordinates()[0][1])).isCloseTo(0, within(1e-9));
        assertThat(Math.abs(r.coordinates()[2][1])).isCloseTo(1, within(1e-9));
        assertThat(r.coordinates()[0][0]).isCloseTo(-r.coordinates()[1][0], within(1e-9));
        // The same points give the same picture.
        assertThat(Projection.pca2(points).coordinates()).isDeepEqualTo(r.coordinates());
    }

    @Test
    void noPointsNoPicture() {
        assertThat(Projection.pca2(new float[0][]).coordinates()).isEmpty();
    }
}

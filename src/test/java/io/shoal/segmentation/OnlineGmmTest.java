package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class OnlineGmmTest {

    private final OnlineGmm gmm = new OnlineGmm(1e-3);

    /**
     * Component 0: N = 3, μ = (0, 0), σ² = (1, 1) so S = (0, 0), Q = N(σ² + μ²) = (3, 3). Component 1: N = 1,
     * μ = (2, 0), σ² = (1, 1) so S = (2, 0), Q = (5, 1). π = (0.75, 0.25).
     */
    private static GmmState twoComponents() {
        return new GmmState(new double[] {3, 1}, new double[][] {{0, 0}, {2, 0}},
                new double[][] {{3, 3}, {5, 1}}, 0);
    }

    @Test
    void derivedParameters() {
        GmmState s = twoComponents();

        assertThat(gmm.mixingWeights(s)).containsExactly(new double[] {0.75, 0.25}, within(1e-12));
        assertThat(gmm.means(s)[1]).containsExactly(2, 0);
        assertThat(gmm.variances(s)[1]).containsExactly(1, 1);
    }

    @Test
    void oneHandComputedStep() {
        // x = (1, 0) is at squared distance 1 from both means with equal variances: r = π = (0.75, 0.25).
        GmmState next = gmm.update(twoComponents(), List.of(new float[] {1, 0}), 0.5);

        // N = 0.5·(3, 1) + (0.75, 0.25) = (2.25, 0.75)
        assertThat(next.counts()).containsExactly(new double[] {2.25, 0.75}, within(1e-12));
        // S0 = 0.5·(0, 0) + 0.75·(1, 0) = (0.75, 0);  S1 = 0.5·(2, 0) + 0.25·(1, 0) = (1.25, 0)
        assertThat(next.sums()[0]).containsExactly(new double[] {0.75, 0}, within(1e-12));
        assertThat(next.sums()[1]).containsExactly(new double[] {1.25, 0}, within(1e-12));
        // Q0 = 0.5·(3, 3) + 0.75·(1, 0) = (2.25, 1.5);  Q1 = 0.5·(5, 1) + 0.25·(1, 0) = (2.75, 0.5)
        assertThat(next.sumSquares()[0]).containsExactly(new double[] {2.25, 1.5}, within(1e-12));
        assertThat(next.sumSquares()[1]).containsExactly(new double[] {2.75, 0.5}, within(1e-12));
        // μ0 = (1/3, 0), σ²0 = (1 - 1/9, 1.5/2.25) = (8/9, 2/3);  μ1 = (5/3, 0), σ²1 = (11/3 - 25/9, 2/3) = (8/9, 2/3)
        assertThat(gmm.means(next)[0]).containsExactly(new double[] {1.0 / 3, 0}, within(1e-12));
        assertThat(gmm.means(next)[1]).containsExactly(new double[] {5.0 / 3, 0}, within(1e-12));
        assertThat(gmm.variances(next)[0]).containsExactly(new double[] {8.0 / 9, 2.0 / 3}, within(1e-12));
        assertThat(gmm.variances(next)[1]).containsExactly(new double[] {8.0 / 9, 2.0 / 3}, within(1e-12));
        assertThat(gmm.mixingWeights(next)).containsExactly(new double[] {0.75, 0.25}, within(1e-12));
        assertThat(next.version()).isEqualTo(1);
    }

    @Test
    void handComputedMemberships() {
        // x = (0, 0): log-odds of component 1 = log(0.25/0.75) - 0.5·(2² - 0) = -ln 3 - 2.
        double odds = Math.exp(-2) / 3;

        double[] r = gmm.memberships(twoComponents(), new float[] {0, 0});

        assertThat(r).containsExactly(new double[] {1 / (1 + odds), odds / (1 + odds)}, within(1e-12));
        assertThat(gmm.segment(twoComponents(), new float[] {0, 0})).isZero();
        assertThat(gmm.segment(twoComponents(), new float[] {3, 0})).isEqualTo(1);
    }

    @Test
    void farAwayProfilesDoNotUnderflow() {
        double[] r = gmm.memberships(twoComponents(), new float[] {1000, -1000});

        assertThat(r[0] + r[1]).isCloseTo(1, within(1e-12));
        assertThat(r).doesNotContain(Double.NaN);
    }

    @Test
    void varianceIsFlooredSoAComponentCannotCollapse() {
        GmmState s = new GmmState(new double[] {1, 1}, new double[][] {{0, 0}, {5, 5}},
                new double[][] {{1, 1}, {25, 25}}, 0);
        float[] same = {5, 5};

        GmmState next = gmm.update(s, List.of(same, same, same, same), 0.0);

        assertThat(gmm.variances(next)[1]).containsExactly(1e-3, 1e-3);
        assertThat(gmm.meanLogLikelihood(next, List.of(same))).isFinite();
    }

    @Test
    void decayOneAccumulatesAndStarvedComponentKeepsItsMean() {
        GmmState s = twoComponents();

        GmmState next = gmm.update(s, List.of(new float[] {-5, 0}), 1.0);

        assertThat(next.counts()[0] + next.counts()[1]).isCloseTo(5, within(1e-12));
        GmmState starved = gmm.update(s, List.of(), 0.1);
        assertThat(gmm.means(starved)[1]).containsExactly(new double[] {2, 0}, within(1e-12));
        assertThat(gmm.mixingWeights(starved)).containsExactly(new double[] {0.75, 0.25}, within(1e-12));
    }

    @Test
    void validatesInputs() {
        assertThatThrownBy(() -> new OnlineGmm(0)).hasMessage("varFloor must be finite and > 0 but was 0.0");
        assertThatThrownBy(() -> gmm.update(twoComponents(), List.of(), 1.5))
                .hasMessage("decay must be in [0, 1] but was 1.5");
        assertThatThrownBy(() -> gmm.memberships(twoComponents(), new float[] {1, 2, 3}))
                .hasMessage("profile must have dimension 2 but had 3");
        assertThatThrownBy(() -> new GmmState(new double[] {1}, new double[][] {{1, 2}}, new double[][] {{1}}, 0))
                .hasMessage("sums[0] and sumSquares[0] must have dimension 2 but had 2 and 1");
    }
}

package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class SegmentExplainerTest {

    private static final float S = (float) Math.sqrt(0.5);

    @Test
    void segmentsRankBySimilarityAndTheMarginIsTheGapToTheRunnerUp() {
        KMeansState state = new KMeansState(new float[][] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } },
                new double[] { 1, 1, 1 }, 1);
        float[] profile = { 0.8f, 0.6f, 0 };
        List<SegmentExplainer.Scored> ranked = SegmentExplainer.rank(profile, state);
        assertThat(ranked).extracting(SegmentExplainer.Scored::segmentId)
                .containsExactly(state.segmentId(0), state.segmentId(1), state.segmentId(2));
        assertThat(ranked.get(0).similarity()).isCloseTo(0.8, within(1e-6));
        assertThat(SegmentExplainer.margin(ranked)).isCloseTo(0.2, within(1e-6));
    }

    @Test
    void itemsContributeTheirDecayedWeightTimesTheirSimilarityToTheCentroid() {
        float[] centroid = { 1, 0 };
        List<SegmentExplainer.Item> items = List.of(
                new SegmentExplainer.Item("cake tin", 2.0, new float[] { 1, 0 }),
                new SegmentExplainer.Item("cake stand", 3.0, new float[] { S, S }),
                new SegmentExplainer.Item("lights", 5.0, new float[] { 0, 1 }),
                new SegmentExplainer.Item("away", 1.0, new float[] { -1, 0 }),
                new SegmentExplainer.Item("no vector", 9.0, null));
        List<SegmentExplainer.Contribution> c = SegmentExplainer.contributions(items, centroid, 10, false);
        // 3·0.707 = 2.12 > 2·1 = 2 > 5·0 = 0; "away" pulls away and is left out, "no vector" cannot be placed.
        assertThat(c).extracting(SegmentExplainer.Contribution::key)
                .containsExactly("cake stand", "cake tin", "lights");
        assertThat(c.get(0).contribution()).isCloseTo(3 * S, within(1e-6));
        assertThat(c.get(0).share()).isCloseTo(3 * S / (3 * S + 2), within(1e-6));
        assertThat(c.get(2).contribution()).isCloseTo(0, within(1e-6));
        assertThat(SegmentExplainer.contributions(items, centroid, 10, true)).extracting(
                SegmentExplainer.Contribution::key).containsExactly("cake stand", "cake tin", "lights", "away");
        assertThat(SegmentExplainer.contributions(items, centroid, 1, false)).hasSize(1);
    }
}

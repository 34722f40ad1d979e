package io.shoal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class SegmentQualityTest {

    private static final List<float[]> FOUR = List.of(new float[] {1, 0}, new float[] {1, 0}, new float[] {0, 1},
            new float[] {0, 1});

    @Test
    void costRatioIsBatchCostOverOnlineCost() {
        assertThat(SegmentQuality.costRatio(9, 10)).isEqualTo(0.9);
        assertThat(SegmentQuality.costRatio(0, 0)).isEqualTo(1.0);
    }

    @Test
    void theBatchClusteringItselfScoresOne() {
        SegmentQuality q = SegmentQuality.of(FOUR, new int[] {7, 7, 3, 3}, new int[] {0, 0, 1, 1}, 1);
        assertThat(q.costRatio()).isEqualTo(1.0);
        assertThat(q.ariVsBatch()).isCloseTo(1.0, within(1e-12));
        assertThat(q.sizes()).containsExactly(2, 2);
        assertThat(q.silhouette()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void mixedSegmentsCostWhatTheHandSays() {
        // Each online segment holds (1,0) and (0,1): mean direction (1,1)/√2, cost 4·(1 - 1/√2); batch cost 0.
        SegmentQuality q = SegmentQuality.of(FOUR, new int[] {0, 1, 0, 1}, new int[] {0, 0, 1, 1}, 1);
        assertThat(q.cost()).isCloseTo(4 * (1 - Math.sqrt(0.5)), within(1e-6));
        assertThat(q.batchCost()).isCloseTo(0, within(1e-6));
        assertThat(q.costRatio()).isCloseTo(0, within(1e-6));
        assertThat(q.silhouette()).isBetween(-1.0, 1.0);
    }

    @Test
    void batchKMeansSeparatesObviousClusters() {
        int[] labels = new BatchKMeans(3, 50, 1).cluster(FOUR, 2);
        assertThat(labels[0]).isEqualTo(labels[1]).isNotEqualTo(labels[2]);
        assertThat(labels[2]).isEqualTo(labels[3]);
    }
}

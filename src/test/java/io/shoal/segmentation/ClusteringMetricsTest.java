package io.shoal.segmentation;

import static io.shoal.segmentation.SyntheticGroups.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.shoal.segmentation.ClusteringMetrics.Normalizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reference values were computed independently from the textbook formulas (contingency table, Vinh et al. 2010
 * expected MI with log-gamma) in NumPy/SciPy; the sklearn user guide quotes the same ARI 0.24242424 and NMI
 * 0.51580374 for its [0,0,0,1,1,1] / [0,0,1,1,2,2] example, and AMI 0.22504 under the pre-0.22 "max" normaliser.
 */
class ClusteringMetricsTest {

    private static final int[] TRUE = {0, 0, 0, 1, 1, 1};
    private static final int[] PRED = {0, 0, 1, 1, 2, 2};

    @Test
    void sklearnUserGuideExample() {
        assertThat(ClusteringMetrics.adjustedRandIndex(TRUE, PRED)).isCloseTo(0.24242424242424246, within(1e-12));
        assertThat(ClusteringMetrics.mutualInformation(TRUE, PRED)).isCloseTo(0.46209812037329684, within(1e-12));
        assertThat(ClusteringMetrics.normalizedMutualInformation(TRUE, PRED))
                .isCloseTo(0.5158037429793888, within(1e-12));
        assertThat(ClusteringMetrics.adjustedMutualInformation(TRUE, PRED))
                .isCloseTo(0.29879245817088984, within(1e-12));
        assertThat(ClusteringMetrics.adjustedMutualInformation(TRUE, PRED, Normalizer.MAX))
                .isCloseTo(0.22504228319830874, within(1e-12));
        assertThat(ClusteringMetrics.adjustedMutualInformation(TRUE, PRED, Normalizer.GEOMETRIC))
                .isCloseTo(0.310455503197702, within(1e-12));
        assertThat(ClusteringMetrics.normalizedMutualInformation(TRUE, PRED, Normalizer.GEOMETRIC))
                .isCloseTo(0.5295405780575617, within(1e-12));
    }

    @Test
    void largerExampleIncludingANegativeAri() {
        int[] a = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2};
        int[] b = {0, 0, 1, 1, 1, 2, 2, 2, 2, 0, 0, 1};

        assertThat(ClusteringMetrics.adjustedRandIndex(a, b)).isCloseTo(-0.01365187713310579, within(1e-12));
        assertThat(ClusteringMetrics.normalizedMutualInformation(a, b)).isCloseTo(0.2471174471218322, within(1e-12));
        assertThat(ClusteringMetrics.adjustedMutualInformation(a, b)).isCloseTo(0.04184919153973445, within(1e-12));
        assertThat(ClusteringMetrics.adjustedRandIndex(new int[] {0, 0, 1, 2}, new int[] {0, 0, 1, 1}))
                .isCloseTo(0.5714285714285715, within(1e-12));
    }

    @Test
    void identicalLabelingsScoreOneWhateverTheLabelNames() {
        int[] renamed = {7, 7, 7, -2, -2, -2};

        assertThat(ClusteringMetrics.adjustedRandIndex(TRUE, renamed)).isEqualTo(1.0);
        assertThat(ClusteringMetrics.normalizedMutualInformation(TRUE, renamed)).isCloseTo(1.0, within(1e-12));
        assertThat(ClusteringMetrics.adjustedMutualInformation(TRUE, renamed)).isCloseTo(1.0, within(1e-12));
        int[] one = {0, 0, 0};
        assertThat(ClusteringMetrics.adjustedRandIndex(one, one)).isEqualTo(1.0);
        assertThat(ClusteringMetrics.normalizedMutualInformation(one, one)).isEqualTo(1.0);
        assertThat(ClusteringMetrics.adjustedMutualInformation(one, one)).isEqualTo(1.0);
        int[] singletons = {0, 1, 2};
        assertThat(ClusteringMetrics.adjustedRandIndex(singletons, singletons)).isEqualTo(1.0);
        assertThat(ClusteringMetrics.adjustedMutualInformation(singletons, singletons)).isEqualTo(1.0);
    }

    @Test
    void symmetric() {
        assertThat(ClusteringMetrics.adjustedRandIndex(PRED, TRUE))
                .isEqualTo(ClusteringMetrics.adjustedRandIndex(TRUE, PRED));
        assertThat(ClusteringMetrics.adjustedMutualInformation(PRED, TRUE))
                .isCloseTo(ClusteringMetrics.adjustedMutualInformation(TRUE, PRED), within(1e-12));
    }

    private static final List<float[]> POINTS = List.of(unit(1, 0), unit(0.8, 0.6), unit(0, 1), unit(-0.6, 0.8),
            unit(0.6, 0.8));
    private static final int[] LABELS = {0, 0, 1, 1, 1};

    @Test
    void internalMeasuresOnCosineDistance() {
        assertThat(ClusteringMetrics.silhouette(POINTS, LABELS)).isCloseTo(0.4444067526676223, within(1e-6));
        assertThat(ClusteringMetrics.daviesBouldin(POINTS, LABELS)).isCloseTo(0.2700461149280397, within(1e-6));
        assertThat(ClusteringMetrics.withinClusterCost(POINTS, LABELS)).isCloseTo(0.5026334038989722, within(1e-6));
        // The whole set as the sample is the full silhouette.
        assertThat(ClusteringMetrics.silhouette(POINTS, LABELS, 5, 1))
                .isCloseTo(ClusteringMetrics.silhouette(POINTS, LABELS), within(1e-12));
    }

    @Test
    void sampledSilhouetteIsCloseToTheFullOne() {
        SyntheticGroups data = new SyntheticGroups(4, 16, 0.5, 3);
        SyntheticGroups.Sample s = data.draw(600);

        double full = ClusteringMetrics.silhouette(s.vectors(), s.labels());
        double sampled = ClusteringMetrics.silhouette(s.vectors(), s.labels(), 200, 42);

        assertThat(full).isGreaterThan(0.3);
        assertThat(sampled).isCloseTo(full, within(0.05));
    }

    @Test
    void validatesInputs() {
        assertThatThrownBy(() -> ClusteringMetrics.adjustedRandIndex(new int[] {0}, new int[] {0, 1}))
                .hasMessage("labelings must have the same length but had 1 and 2");
        assertThatThrownBy(() -> ClusteringMetrics.silhouette(POINTS, new int[] {0, 0, 0, 0, 0}))
                .hasMessage("silhouette needs at least 2 clusters but had 1");
        assertThatThrownBy(() -> ClusteringMetrics.daviesBouldin(POINTS, new int[] {0}))
                .hasMessage("vectors and labels must have the same size but had 5 and 1");
    }
}

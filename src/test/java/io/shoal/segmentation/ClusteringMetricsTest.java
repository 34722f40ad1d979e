package io.shoal.segmentation;

import static io.shoal.segmentation.SyntheticGroups.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.shoal.segmentation.ClusteringMetrics.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
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

    @Test
    void matchedScoresArePerfectUnderRenaming() {
        int[] renamed = {7, 7, 7, -2, -2, -2};
        int[] three = {2, 0, 1, 1, 2, 0, 0};
        int[] threeRenamed = {5, 9, 4, 4, 5, 9, 9};

        assertThat(ClusteringMetrics.matchedScores(TRUE, renamed))
                .isEqualTo(new ClusteringMetrics.MatchedScores(1, 1, 1, 1));
        assertThat(ClusteringMetrics.matchedScores(three, threeRenamed))
                .isEqualTo(new ClusteringMetrics.MatchedScores(1, 1, 1, 1));
        assertThat(ClusteringMetrics.matchedScores(new int[] {3}, new int[] {8}))
                .isEqualTo(new ClusteringMetrics.MatchedScores(1, 1, 1, 1));
    }

    @Test
    void matchedScoresWithMoreSegmentsThanClasses() {
        // Class 0 (5 points): 3 in segment 0, 2 in segment 1; class 1 (3 points): 2 in segment 2, 1 in segment 0.
        // Best matching 0->0, 1->2 keeps 5 points; segment 1 is left over. Segment sizes 4, 2, 2.
        int[] labelsTrue = {0, 0, 0, 0, 0, 1, 1, 1};
        int[] labelsPred = {0, 0, 0, 1, 1, 2, 2, 0};

        ClusteringMetrics.MatchedScores s = ClusteringMetrics.matchedScores(labelsTrue, labelsPred);

        assertThat(s.accuracy()).isCloseTo(5.0 / 8, within(1e-12));
        assertThat(s.precision()).isCloseTo((3.0 / 4 + 2.0 / 2) / 2, within(1e-12));
        assertThat(s.recall()).isCloseTo((3.0 / 5 + 2.0 / 3) / 2, within(1e-12));
        assertThat(s.f1()).isCloseTo((2.0 / 3 + 0.8) / 2, within(1e-12));
    }

    @Test
    void matchedScoresWithFewerSegmentsThanClasses() {
        // Classes of 3, 3 and 2 points on two segments 5 (5 points) and 7 (3 points): 0->5 keeps 3, 1->7 keeps 2,
        // class 2 has no segment left and scores 0.
        int[] labelsTrue = {0, 0, 0, 1, 1, 1, 2, 2};
        int[] labelsPred = {5, 5, 5, 5, 7, 7, 7, 5};

        ClusteringMetrics.MatchedScores s = ClusteringMetrics.matchedScores(labelsTrue, labelsPred);

        assertThat(s.accuracy()).isCloseTo(5.0 / 8, within(1e-12));
        assertThat(s.precision()).isCloseTo((3.0 / 5 + 2.0 / 3 + 0) / 3, within(1e-12));
        assertThat(s.recall()).isCloseTo((1 + 2.0 / 3 + 0) / 3, within(1e-12));
        assertThat(s.f1()).isCloseTo((0.75 + 2.0 / 3 + 0) / 3, within(1e-12));
    }

    @Test
    void matchedScoresAgreeWithBruteForceOverAllInjections() {
        SplittableRandom rng = new SplittableRandom(31);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rng.nextInt(25);
            int classes = 1 + rng.nextInt(4);
            int segments = 1 + rng.nextInt(5);
            int[] labelsTrue = new int[n];
            int[] labelsPred = new int[n];
            for (int p = 0; p < n; p++) {
                labelsTrue[p] = 3 * rng.nextInt(classes) - 4;
                labelsPred[p] = rng.nextInt(3) == 0 ? labelsTrue[p] * 11 : 100 + rng.nextInt(segments);
            }

            ClusteringMetrics.MatchedScores s = ClusteringMetrics.matchedScores(labelsTrue, labelsPred);

            List<double[]> best = bestInjections(labelsTrue, labelsPred);
            assertThat(s.accuracy()).isCloseTo(best.get(0)[0], within(1e-12));
            assertThat(best).as("%s for %s vs %s", s, Arrays.toString(labelsTrue), Arrays.toString(labelsPred))
                    .anySatisfy(b -> {
                        assertThat(s.precision()).isCloseTo(b[1], within(1e-12));
                        assertThat(s.recall()).isCloseTo(b[2], within(1e-12));
                        assertThat(s.f1()).isCloseTo(b[3], within(1e-12));
                    });
        }
    }

    @Test
    void matchedScoresValidateInputs() {
        assertThatThrownBy(() -> ClusteringMetrics.matchedScores(new int[] {0, 1}, new int[] {0}))
                .hasMessage("labelings must have the same length but had 2 and 1");
        assertThatThrownBy(() -> ClusteringMetrics.matchedScores(new int[0], new int[0]))
                .hasMessage("labelings must be non-empty");
    }

    /** {accuracy, precision, recall, f1} of every injection that matches the most points. */
    private static List<double[]> bestInjections(int[] labelsTrue, int[] labelsPred) {
        int[] classes = Arrays.stream(labelsTrue).distinct().sorted().toArray();
        int[] segments = Arrays.stream(labelsPred).distinct().sorted().toArray();
        long[][] count = new long[classes.length][segments.length];
        long[] classSize = new long[classes.length];
        long[] segmentSize = new long[segments.length];
        for (int p = 0; p < labelsTrue.length; p++) {
            int i = Arrays.binarySearch(classes, labelsTrue[p]);
            int j = Arrays.binarySearch(segments, labelsPred[p]);
            count[i][j]++;
            classSize[i]++;
            segmentSize[j]++;
        }
        List<double[]> all = new ArrayList<>();
        injections(count, classSize, segmentSize, labelsTrue.length, 0, new int[classes.length],
                new boolean[segments.length], all);
        double most = all.stream().mapToDouble(a -> a[0]).max().orElseThrow();
        return all.stream().filter(a -> a[0] == most).toList();
    }

    private static void injections(long[][] count, long[] classSize, long[] segmentSize, int n, int i, int[] segmentOf,
            boolean[] used, List<double[]> out) {
        int classes = classSize.length;
        if (i == classes) {
            int pairs = 0;
            double[] scores = new double[4];
            long matched = 0;
            for (int c = 0; c < classes; c++) {
                int j = segmentOf[c];
                if (j >= 0) {
                    pairs++;
                    long nij = count[c][j];
                    matched += nij;
                    double precision = (double) nij / segmentSize[j];
                    double recall = (double) nij / classSize[c];
                    scores[1] += precision / classes;
                    scores[2] += recall / classes;
                    scores[3] += (precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0) / classes;
                }
            }
            if (pairs == Math.min(classes, segmentSize.length)) {
                scores[0] = (double) matched / n;
                out.add(scores);
            }
            return;
        }
        segmentOf[i] = -1;
        injections(count, classSize, segmentSize, n, i + 1, segmentOf, used, out);
        for (int j = 0; j < used.length; j++) {
            if (!used[j]) {
                used[j] = true;
                segmentOf[i] = j;
                injections(count, classSize, segmentSize, n, i + 1, segmentOf, used, out);
                used[j] = false;
            }
        }
    }
}

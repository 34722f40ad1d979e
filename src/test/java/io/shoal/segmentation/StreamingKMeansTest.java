package io.shoal.segmentation;

import static io.shoal.segmentation.SyntheticGroups.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.shoal.segmentation.StreamingKMeans.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingKMeansTest {

    private static KMeansState twoAxes(double n0, double n1) {
        return KMeansState.initial(new float[][] {{1, 0}, {0, 1}}, new double[] {n0, n1});
    }

    @Test
    void decayFromHalfLife() {
        assertThat(StreamingKMeans.decayFor(1, TimeUnit.BATCHES, 500)).isEqualTo(0.5);
        assertThat(StreamingKMeans.decayFor(2, TimeUnit.BATCHES, 500)).isCloseTo(Math.sqrt(0.5), within(1e-15));
        assertThat(StreamingKMeans.decayFor(10, TimeUnit.POINTS, 10)).isEqualTo(0.5);
        assertThat(StreamingKMeans.decayFor(10, TimeUnit.POINTS, 20)).isEqualTo(0.25);
        assertThat(StreamingKMeans.decayFor(10, TimeUnit.POINTS, 0)).isEqualTo(1.0);
        assertThat(StreamingKMeans.decayFor(Double.POSITIVE_INFINITY, TimeUnit.BATCHES, 1)).isEqualTo(1.0);
        // h batches of a = 0.5^(1/h) discount by one half.
        assertThat(Math.pow(StreamingKMeans.decayFor(7, TimeUnit.BATCHES, 1), 7)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void assignReportsBestAndRunnerUp() {
        KMeansState s = KMeansState.initial(new float[][] {{1, 0}, {0, 1}, {-1, 0}}, new double[] {1, 1, 1});

        Assignment a = StreamingKMeans.assign(s, unit(0.6, 0.8));

        assertThat(a.segment()).isEqualTo(1);
        assertThat(a.similarity()).isCloseTo(0.8, within(1e-6));
        assertThat(a.runnerUp()).isEqualTo(0);
        assertThat(a.runnerUpSimilarity()).isCloseTo(0.6, within(1e-6));
        assertThat(a.margin()).isCloseTo(0.2, within(1e-6));
        assertThat(StreamingKMeans.similarities(s, unit(0.6, 0.8))).containsExactly(new double[] {0.6, 0.8, -0.6},
                within(1e-6));
    }

    @Test
    void singleSegmentHasNoRunnerUp() {
        KMeansState s = KMeansState.initial(new float[][] {{1, 0}}, new double[] {1});

        Assignment a = StreamingKMeans.assign(s, unit(1, 0));

        assertThat(a.runnerUp()).isEqualTo(-1);
        assertThat(a.runnerUpSimilarity()).isEqualTo(-1);
        assertThat(a.margin()).isCloseTo(2, within(1e-6));
    }

    @Test
    void oneHandComputedStep() {
        KMeansState s = twoAxes(2, 1);
        List<float[]> batch = List.of(unit(0.6, 0.8), unit(0.8, 0.6), unit(1, 0));

        BatchSummary summary = StreamingKMeans.summarize(s, batch);
        KMeansState next = StreamingKMeans.update(s, summary, 0.5);

        // (0.6, 0.8) -> segment 1; (0.8, 0.6) and (1, 0) -> segment 0.
        assertThat(summary.counts()).containsExactly(2, 1);
        assertThat(summary.assignments()).extracting(Assignment::segment).containsExactly(1, 0, 0);
        // c0 = normalise(0.5·2·(1, 0) + (1.8, 0.6)) = (2.8, 0.6)/√8.2 = (0.977802, 0.209529); n0 = 1 + 2 = 3
        assertThat(next.centroid(0)).containsExactly(new float[] {0.977802f, 0.209529f}, within(1e-6f));
        // c1 = normalise(0.5·1·(0, 1) + (0.6, 0.8)) = (0.6, 1.3)/√2.05 = (0.419058, 0.907959); n1 = 0.5 + 1 = 1.5
        assertThat(next.centroid(1)).containsExactly(new float[] {0.419058f, 0.907959f}, within(1e-6f));
        assertThat(next.weights()).containsExactly(3, 1.5);
        // r0 = √8.2 / 3 = 0.954521, r1 = √2.05 / 1.5 = 0.954521
        assertThat(next.concentrations()).containsExactly(new double[] {0.954521, 0.954521}, within(1e-6));
        assertThat(next.version()).isEqualTo(1);
        assertThat(next.segmentIds()).containsExactly(0, 1);
    }

    @Test
    void withDecayOneACentroidIsTheNormalisedGrandMeanOfItsMembers() {
        SyntheticGroups data = new SyntheticGroups(2, 8, 0.3, 11);
        KMeansState s = KMeansState.initial(new float[][] {data.centres[0], data.centres[1]}, new double[] {0, 0});
        double[][] grand = new double[2][8];
        for (int batch = 0; batch < 6; batch++) {
            List<float[]> profiles = data.draw(50).vectors();
            BatchSummary summary = StreamingKMeans.summarize(s, profiles);
            for (int i = 0; i < profiles.size(); i++) {
                Vectors.addScaled(grand[summary.assignments().get(i).segment()], profiles.get(i), 1.0);
            }
            s = StreamingKMeans.update(s, summary, 1.0);
        }

        for (int k = 0; k < 2; k++) {
            assertThat(s.centroid(k)).containsExactly(Vectors.normalizeOrNull(grand[k]), within(1e-6f));
        }
        assertThat(s.weights()[0] + s.weights()[1]).isEqualTo(300);
    }

    @Test
    void withDecayZeroOnlyTheNewestBatchCounts() {
        KMeansState s = twoAxes(100, 100);

        KMeansState next = StreamingKMeans.step(s, List.of(unit(1, 0.2), unit(1, 0.4)), 0.0);

        double[] sum = {unit(1, 0.2)[0] + unit(1, 0.4)[0], unit(1, 0.2)[1] + unit(1, 0.4)[1]};
        assertThat(next.centroid(0)).containsExactly(Vectors.normalizeOrNull(sum), within(1e-7f));
        assertThat(next.weights()).containsExactly(2, 0);
        // no members and a = 0: the centroid has nothing to move to and stays.
        assertThat(next.centroid(1)).containsExactly(0, 1);
    }

    @Test
    void segmentWithoutMembersKeepsItsCentroidAndDecays() {
        KMeansState s = twoAxes(8, 8);

        KMeansState next = StreamingKMeans.step(s, List.of(unit(1, 0.1)), 0.5);

        assertThat(next.centroid(1)).containsExactly(0, 1);
        assertThat(next.weight(1)).isEqualTo(4);
        assertThat(next.weight(0)).isEqualTo(5);
    }

    @Test
    void emptyBatchOnlyDecays() {
        KMeansState next = StreamingKMeans.step(twoAxes(8, 2), new ArrayList<>(), 0.25);

        assertThat(next.weights()).containsExactly(2, 0.5);
        assertThat(next.centroid(0)).containsExactly(1, 0);
    }

    @Test
    void validatesDecayAndDimensions() {
        KMeansState s = twoAxes(1, 1);
        BatchSummary summary = StreamingKMeans.summarize(s, List.of(unit(1, 0)));

        assertThatThrownBy(() -> StreamingKMeans.update(s, summary, 1.5))
                .hasMessage("decay must be in [0, 1] but was 1.5");
        assertThatThrownBy(() -> StreamingKMeans.update(s, summary, -0.1))
                .hasMessage("decay must be in [0, 1] but was -0.1");
        assertThatThrownBy(() -> StreamingKMeans.update(s, summary, Double.NaN))
                .hasMessage("decay must be in [0, 1] but was NaN");
        assertThatThrownBy(() -> StreamingKMeans.assign(s, unit(1, 0, 0)))
                .hasMessage("profile must have dimension 2 but had 3");
        assertThatThrownBy(() -> StreamingKMeans.summarize(s, List.of(unit(1, 0), unit(1, 0, 0))))
                .hasMessage("profiles[1] must have dimension 2 but had 3");
        KMeansState three = KMeansState.initial(new float[][] {{1, 0}, {0, 1}, {-1, 0}}, new double[] {1, 1, 1});
        assertThatThrownBy(() -> StreamingKMeans.update(three, summary, 0.5))
                .hasMessage("batch must summarise 3 segments but had 2");
        assertThatThrownBy(() -> StreamingKMeans.decayFor(0, TimeUnit.BATCHES, 1))
                .hasMessage("halfLife must be > 0 but was 0.0");
        assertThatThrownBy(() -> StreamingKMeans.decayFor(1, TimeUnit.POINTS, -1))
                .hasMessage("batchPoints must be >= 0 but was -1");
    }

    @Test
    void stateValidatesAndCopies() {
        assertThatThrownBy(() -> new KMeansState(new float[][] {{1, 0}, {0, 1}}, new double[] {1}, 0))
                .hasMessage("weights must have one entry per centroid (2) but had 1");
        assertThatThrownBy(() -> new KMeansState(new float[][] {{1, 0}, {0, 1, 0}}, new double[] {1, 1}, 0))
                .hasMessage("centroids[1] must have dimension 2 but had 3");
        assertThatThrownBy(() -> new KMeansState(new float[][] {{1, 0}}, new double[] {-1}, 0))
                .hasMessage("weights[0] must be finite and >= 0 but was -1.0");
        assertThatThrownBy(() -> new KMeansState(new float[][] {{1, 0}, {0, 1}}, new double[] {1, 1},
                new double[] {1, 1}, new long[] {3, 3}, 4, 0)).hasMessage("segmentIds must be distinct but were [3, 3]");
        assertThatThrownBy(() -> new KMeansState(new float[][] {{1, 0}}, new double[] {1}, new double[] {1},
                new long[] {3}, 3, 0))
                .hasMessage("nextSegmentId must be > every segment id (3) but was 3");
        assertThatThrownBy(() -> new KMeansState(new float[][] {{1, 0}}, new double[] {1}, new double[] {1.5},
                new long[] {0}, 1, 0)).hasMessage("concentrations[0] must be in [0, 1] but was 1.5");

        float[][] c = {{1, 0}, {0, 1}};
        KMeansState s = new KMeansState(c, new double[] {1, 1}, 0);
        c[0][0] = 9;
        s.centroids()[1][1] = 9;
        s.weights()[0] = 9;
        assertThat(s.centroid(0)).containsExactly(1, 0);
        assertThat(s.centroid(1)).containsExactly(0, 1);
        assertThat(s.weight(0)).isEqualTo(1);
        assertThat(s.slotOf(1)).isEqualTo(1);
        assertThat(s.slotOf(7)).isEqualTo(-1);
    }
}

package io.shoal.segmentation;

import static io.shoal.segmentation.SegmentLineage.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.segmentation.SegmentLineage.Kind;
import io.shoal.segmentation.SegmentLineage.Transition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SegmentLineageTest {

    private static final SegmentLineage DEFAULTS = SegmentLineage.defaults();

    @Test
    void defaultsAreHalfAndOneFifth() {
        assertThat(DEFAULTS.survival()).isEqualTo(0.5);
        assertThat(DEFAULTS.split()).isEqualTo(0.2);
    }

    @Test
    void identityKeepsEverySegment() {
        Points points = new Points().add(1, 1, 5).add(2, 2, 3).add(3, 3, 1);

        assertThat(points.transitions(DEFAULTS, List.of(1L, 2L, 3L), List.of(1L, 2L, 3L))).containsExactly(
                survived(1, 1, 1.0),
                survived(2, 2, 1.0),
                survived(3, 3, 1.0));
    }

    @Test
    void survivalDoesNotNeedTheSameId() {
        Points points = new Points().add(1, 10, 7).add(1, 11, 3).add(2, 11, 4);

        assertThat(points.transitions(DEFAULTS, List.of(1L, 2L), List.of(10L, 11L))).containsExactly(
                survived(1, 10, 0.7),
                survived(2, 11, 1.0));
    }

    @Test
    void oneSegmentSplitsIntoTwo() {
        // 45% + 45% reach τ together, the 10% fragment is below τ_s and is no part of the split.
        Points points = new Points().add(1, 2, 9).add(1, 3, 9).add(1, 4, 2);

        assertThat(points.transitions(DEFAULTS, List.of(1L), List.of(2L, 3L, 4L))).containsExactly(
                new Transition(Kind.SPLIT, List.of(1L), List.of(2L, 3L), List.of(0.45, 0.45)),
                born(4));
    }

    @Test
    void anEvenSplitAtTheSurvivalThresholdIsASplitNotASurvival() {
        Points points = new Points().add(1, 1, 5).add(1, 2, 5);

        assertThat(points.transitions(DEFAULTS, List.of(1L), List.of(1L, 2L))).containsExactly(
                new Transition(Kind.SPLIT, List.of(1L), List.of(1L, 2L), List.of(0.5, 0.5)));
    }

    @Test
    void aSplitWithManyParts() {
        Points points = new Points().add(7, 1, 9).add(7, 2, 7).add(7, 3, 4);

        assertThat(points.transitions(DEFAULTS, List.of(7L), List.of(1L, 2L, 3L))).containsExactly(
                new Transition(Kind.SPLIT, List.of(7L), List.of(1L, 2L, 3L), List.of(0.45, 0.35, 0.2)));
    }

    @Test
    void twoSegmentsMergeIntoOne() {
        Points points = new Points().add(1, 5, 3).add(1, 6, 1).add(2, 5, 6);

        assertThat(points.transitions(DEFAULTS, List.of(1L, 2L), List.of(5L, 6L))).containsExactly(
                new Transition(Kind.MERGED, List.of(1L, 2L), List.of(5L), List.of(0.75, 1.0)),
                born(6));
    }

    @Test
    void segmentsAreBornFromNewPointsFromSmallSharesAndFromNothing() {
        Points points = new Points()
                .add(1, 1, 9).add(1, 8, 1)
                .add(2, 2, 9).add(2, 8, 1)
                .add(NONE, 7, 5);

        assertThat(points.transitions(DEFAULTS, List.of(1L, 2L), List.of(1L, 2L, 7L, 8L, 9L))).containsExactly(
                survived(1, 1, 0.9),
                survived(2, 2, 0.9),
                born(7),
                born(8),
                born(9));
    }

    @Test
    void segmentsDieWhenScatteredEmptyOrGone() {
        Points points = new Points()
                .add(3, 1, 1).add(3, 2, 1).add(3, 4, 1).add(3, 5, 1).add(3, 6, 1).add(3, 7, 1)
                .add(5, NONE, 4)
                .add(6, 1, 3).add(6, 2, 2).add(6, 4, 2).add(6, 5, 2).add(6, 6, 2);

        // 3: six shares of 1/6 < τ_s; 4: no points; 5: every point left; 6: one part (3/11) and shares of 2/11.
        assertThat(points.transitions(DEFAULTS, List.of(3L, 4L, 5L, 6L), List.of(1L, 2L, 4L, 5L, 6L, 7L)))
                .containsExactly(
                        born(1), born(2), born(4), born(5), born(6), born(7),
                        died(3), died(4), died(5), died(6));
    }

    @Test
    void aSplitNeedsItsPartsToReachTheSurvivalShare() {
        // Parts 0.25 and 0.2 sum to 0.45 < τ = 0.5; the rest is in fragments of 0.1 and 0.05.
        Points points = new Points().add(1, 1, 5).add(1, 2, 4)
                .add(1, 3, 2).add(1, 4, 2).add(1, 5, 2).add(1, 6, 2).add(1, 7, 2).add(1, 8, 1);
        List<Long> news = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);

        assertThat(kinds(points.transitions(DEFAULTS, List.of(1L), news))).containsExactly(Kind.BORN, Kind.BORN,
                Kind.BORN, Kind.BORN, Kind.BORN, Kind.BORN, Kind.BORN, Kind.BORN, Kind.DIED);
        assertThat(points.transitions(new SegmentLineage(0.45, 0.2), List.of(1L), news)).startsWith(
                new Transition(Kind.SPLIT, List.of(1L), List.of(1L, 2L), List.of(0.25, 0.2)), born(3));
    }

    @Test
    void mixedCaseInOutputOrder() {
        Points points = new Points()
                .add(10, 10, 8).add(10, 40, 2)
                .add(20, 21, 9).add(20, 22, 9).add(20, 40, 2)
                .add(30, 33, 6)
                .add(31, 33, 3).add(31, 40, 1)
                .add(50, NONE, 3)
                .add(NONE, 40, 6)
                .add(NONE, 60, 2);
        List<Long> olds = List.of(31L, 30L, 20L, 10L, 50L, 51L);
        List<Long> news = List.of(60L, 40L, 33L, 22L, 21L, 10L, 70L);

        List<Transition> transitions = points.transitions(DEFAULTS, olds, news);

        assertThat(transitions).containsExactly(
                survived(10, 10, 0.8),
                new Transition(Kind.SPLIT, List.of(20L), List.of(21L, 22L), List.of(0.45, 0.45)),
                new Transition(Kind.MERGED, List.of(30L, 31L), List.of(33L), List.of(1.0, 0.75)),
                born(40),
                born(60),
                born(70),
                died(50),
                died(51));
        assertThat(points.shuffled(new SplittableRandom(4)).transitions(DEFAULTS, List.copyOf(new TreeSet<>(olds)),
                news)).isEqualTo(transitions);
    }

    @Test
    void withLowThresholdsOnlyTheLargestOverlapMatches() {
        // τ = 0.3: new segment 4 holds 0.3 of old segment 1, but 1's match is 3 (0.4), so old 2 survives as 4 alone
        // and old 1 does not also merge into 4.
        SegmentLineage low = new SegmentLineage(0.3, 0.1);
        Points points = new Points()
                .add(1, 3, 4).add(1, 4, 3).add(1, 5, 3)
                .add(2, 4, 7).add(2, 5, 3);

        assertThat(points.transitions(low, List.of(1L, 2L), List.of(3L, 4L, 5L))).containsExactly(
                survived(1, 3, 0.4),
                survived(2, 4, 0.7),
                born(5));
    }

    @Test
    void everyOldSegmentHasExactlyOneFateAndEveryNewSegmentAppears() {
        SplittableRandom rng = new SplittableRandom(17);
        for (int trial = 0; trial < 300; trial++) {
            RandomCase r = random(rng);
            double survival = 0.2 + 0.8 * rng.nextDouble();
            SegmentLineage lineage = new SegmentLineage(survival, survival * (0.1 + 0.9 * rng.nextDouble()));

            List<Transition> transitions = lineage.transitions(r.oldIds, r.newIds, r.olds, r.news);

            List<Long> fates = new ArrayList<>();
            Set<Long> reached = new HashSet<>();
            for (Transition t : transitions) {
                if (t.kind() != Kind.BORN) {
                    fates.addAll(t.from());
                }
                reached.addAll(t.to());
                assertThat(t.overlaps()).allSatisfy(o -> assertThat(o).isBetween(0.0, 1.0));
            }
            assertThat(fates).containsExactlyInAnyOrderElementsOf(r.olds);
            assertThat(reached).containsExactlyInAnyOrderElementsOf(r.news);
            assertThat(transitions).isSortedAccordingTo((a, b) -> a.kind().compareTo(b.kind()));
        }
    }

    @Test
    void aboveOneHalfAgreesWithTheLiteralRules() {
        SplittableRandom rng = new SplittableRandom(29);
        Set<Kind> seen = EnumSet.noneOf(Kind.class);
        for (int trial = 0; trial < 300; trial++) {
            RandomCase r = random(rng);
            double survival = 0.51 + 0.49 * rng.nextDouble();
            double split = survival * (0.1 + 0.9 * rng.nextDouble());

            List<Transition> transitions = new SegmentLineage(survival, split)
                    .transitions(r.oldIds, r.newIds, r.olds, r.news);

            assertThat(new HashSet<>(transitions)).isEqualTo(literal(r, survival, split));
            transitions.forEach(t -> seen.add(t.kind()));
        }
        assertThat(seen).containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void validatesParameters() {
        assertThatThrownBy(() -> new SegmentLineage(1.5, 0.2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("survival must be in (0, 1] but was 1.5");
        assertThatThrownBy(() -> new SegmentLineage(0, 0.2))
                .hasMessage("survival must be in (0, 1] but was 0.0");
        assertThatThrownBy(() -> new SegmentLineage(Double.NaN, 0.2))
                .hasMessage("survival must be in (0, 1] but was NaN");
        assertThatThrownBy(() -> new SegmentLineage(0.5, 0.7))
                .hasMessage("split must be in (0, survival] = (0, 0.5] but was 0.7");
        assertThatThrownBy(() -> new SegmentLineage(0.5, 0))
                .hasMessage("split must be in (0, survival] = (0, 0.5] but was 0.0");
        assertThat(new SegmentLineage(1, 1).split()).isEqualTo(1.0);
    }

    @Test
    void validatesInputs() {
        List<Long> one = List.of(1L);
        assertThatThrownBy(() -> DEFAULTS.transitions(new long[] {1, 1}, new long[] {1}, one, one))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("oldIds and newIds must have the same length but had 2 and 1");
        assertThatThrownBy(() -> DEFAULTS.transitions(null, new long[] {1}, one, one))
                .hasMessage("oldIds and newIds must have the same length but had null and 1");
        assertThatThrownBy(() -> DEFAULTS.transitions(new long[] {1}, new long[] {1}, null, one))
                .hasMessage("oldSegments must not be null");
        assertThatThrownBy(() -> DEFAULTS.transitions(new long[] {1}, new long[] {1}, one, Arrays.asList(1L, null)))
                .hasMessage("newSegments must not contain null");
        assertThatThrownBy(() -> DEFAULTS.transitions(new long[] {1}, new long[] {1}, List.of(1L, NONE), one))
                .hasMessage("oldSegments must not contain NONE (-9223372036854775808)");
        assertThatThrownBy(() -> DEFAULTS.transitions(new long[] {1, 2}, new long[] {1, 1}, one, one))
                .hasMessage("oldIds[1] = 2 is not in oldSegments");
        assertThatThrownBy(() -> DEFAULTS.transitions(new long[] {1, NONE}, new long[] {1, 3}, one, one))
                .hasMessage("newIds[1] = 3 is not in newSegments");
    }

    @Test
    void noPointsAtAll() {
        assertThat(DEFAULTS.transitions(new long[0], new long[0], List.of(2L), List.of(2L)))
                .containsExactly(born(2), died(2));
        assertThat(DEFAULTS.transitions(new long[0], new long[0], List.of(), List.of())).isEmpty();
    }

    private static Transition survived(long from, long to, double overlap) {
        return new Transition(Kind.SURVIVED, List.of(from), List.of(to), List.of(overlap));
    }

    private static Transition born(long to) {
        return new Transition(Kind.BORN, List.of(), List.of(to), List.of());
    }

    private static Transition died(long from) {
        return new Transition(Kind.DIED, List.of(from), List.of(), List.of());
    }

    private static List<Kind> kinds(List<Transition> transitions) {
        return transitions.stream().map(Transition::kind).toList();
    }

    private record RandomCase(long[] oldIds, long[] newIds, List<Long> olds, List<Long> news) {
    }

    /** A few old and new segments (some empty), points mostly following a hidden old-to-new map, some NONE. */
    private static RandomCase random(SplittableRandom rng) {
        int k = 1 + rng.nextInt(5);
        int l = 1 + rng.nextInt(5);
        List<Long> olds = new ArrayList<>();
        List<Long> news = new ArrayList<>();
        for (int x = 0; x < k; x++) {
            olds.add(100L + 3 * x);
        }
        for (int y = 0; y < l; y++) {
            news.add(200L - 7 * y);
        }
        int n = rng.nextInt(40);
        long[] oldIds = new long[n];
        long[] newIds = new long[n];
        for (int p = 0; p < n; p++) {
            int x = rng.nextInt(k);
            oldIds[p] = rng.nextInt(10) == 0 ? NONE : olds.get(x);
            int y = rng.nextInt(3) == 0 ? rng.nextInt(l) : x % l;
            newIds[p] = rng.nextInt(10) == 0 ? NONE : news.get(y);
        }
        return new RandomCase(oldIds, newIds, olds, news);
    }

    /** The rules as first stated, on a dense count table; valid when τ &gt; 1/2. */
    private static Set<Transition> literal(RandomCase r, double survival, double split) {
        int k = r.olds.size();
        int l = r.news.size();
        int[][] count = new int[k][l];
        int[] size = new int[k];
        for (int p = 0; p < r.oldIds.length; p++) {
            if (r.oldIds[p] != NONE && r.newIds[p] != NONE) {
                int x = r.olds.indexOf(r.oldIds[p]);
                count[x][r.news.indexOf(r.newIds[p])]++;
                size[x]++;
            }
        }
        Set<Transition> out = new HashSet<>();
        boolean[] targeted = new boolean[l];
        boolean[] placed = new boolean[k];
        for (int y = 0; y < l; y++) {
            List<Long> from = new ArrayList<>();
            List<Double> shares = new ArrayList<>();
            for (int x = 0; x < k; x++) {
                if (size[x] > 0 && (double) count[x][y] / size[x] >= survival) {
                    from.add(r.olds.get(x));
                    shares.add((double) count[x][y] / size[x]);
                    placed[x] = true;
                }
            }
            if (!from.isEmpty()) {
                targeted[y] = true;
                Kind kind = from.size() == 1 ? Kind.SURVIVED : Kind.MERGED;
                out.add(new Transition(kind, from, List.of(r.news.get(y)), shares));
            }
        }
        for (int x = 0; x < k; x++) {
            if (placed[x]) {
                continue;
            }
            List<Long> parts = new ArrayList<>();
            List<Double> shares = new ArrayList<>();
            int inParts = 0;
            for (int y = l - 1; y >= 0; y--) {
                if (size[x] > 0 && (double) count[x][y] / size[x] >= split) {
                    parts.add(r.news.get(y));
                    shares.add((double) count[x][y] / size[x]);
                    inParts += count[x][y];
                }
            }
            if (parts.size() >= 2 && (double) inParts / size[x] >= survival) {
                for (Long y : parts) {
                    targeted[r.news.indexOf(y)] = true;
                }
                out.add(new Transition(Kind.SPLIT, List.of(r.olds.get(x)), parts, shares));
            } else {
                out.add(new Transition(Kind.DIED, List.of(r.olds.get(x)), List.of(), List.of()));
            }
        }
        for (int y = 0; y < l; y++) {
            if (!targeted[y]) {
                out.add(new Transition(Kind.BORN, List.of(), List.of(r.news.get(y)), List.of()));
            }
        }
        return out;
    }

    /** Sample points built by (old id, new id, count). */
    private static final class Points {
        private final List<long[]> pairs = new ArrayList<>();

        Points add(long oldId, long newId, int count) {
            for (int i = 0; i < count; i++) {
                pairs.add(new long[] {oldId, newId});
            }
            return this;
        }

        Points shuffled(SplittableRandom rng) {
            Points out = new Points();
            out.pairs.addAll(pairs);
            for (int i = out.pairs.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                long[] tmp = out.pairs.get(i);
                out.pairs.set(i, out.pairs.get(j));
                out.pairs.set(j, tmp);
            }
            return out;
        }

        List<Transition> transitions(SegmentLineage lineage, List<Long> olds, List<Long> news) {
            long[] oldIds = new long[pairs.size()];
            long[] newIds = new long[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                oldIds[i] = pairs.get(i)[0];
                newIds[i] = pairs.get(i)[1];
            }
            return lineage.transitions(oldIds, newIds, olds, news);
        }
    }
}

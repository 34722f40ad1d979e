package io.shoal.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OptimalAssignmentTest {

    @Test
    void handComputedThreeByThree() {
        // Totals of the six permutations: (0,1,2) 6, (0,2,1) 11, (1,0,2) 5, (1,2,0) 9, (2,0,1) 7, (2,1,0) 6.
        double[][] cost = {
            {4, 1, 3},
            {2, 0, 5},
            {3, 2, 2},
        };

        assertThat(OptimalAssignment.minimize(cost)).containsExactly(1, 0, 2);
        assertThat(OptimalAssignment.maximize(cost)).containsExactly(0, 2, 1);
    }

    @Test
    void handComputedRectangular() {
        double[][] wide = {
            {1, 9, 2, 8},
            {7, 3, 9, 1},
        };
        double[][] tall = {
            {1, 7},
            {9, 3},
            {2, 9},
            {8, 1},
        };

        assertThat(OptimalAssignment.maximize(wide)).containsExactly(1, 2);
        assertThat(OptimalAssignment.minimize(wide)).containsExactly(0, 3);
        assertThat(OptimalAssignment.maximize(tall)).containsExactly(-1, 0, 1, -1);
        assertThat(OptimalAssignment.minimize(tall)).containsExactly(0, -1, -1, 1);
    }

    @Test
    void squareMatricesAgreeWithBruteForce() {
        SplittableRandom rng = new SplittableRandom(11);
        int checked = 0;
        for (int n = 1; n <= 7; n++) {
            for (int trial = 0; trial < 30; trial++) {
                double[][] a = randomMatrix(rng, n, n);
                assertOptimal(a);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(210);
    }

    @Test
    void rectangularMatricesAgreeWithBruteForce() {
        SplittableRandom rng = new SplittableRandom(23);
        int checked = 0;
        for (int small = 1; small <= 6; small++) {
            for (int large = small + 1; large <= 7; large++) {
                for (int trial = 0; trial < 8; trial++) {
                    assertOptimal(randomMatrix(rng, small, large));
                    assertOptimal(randomMatrix(rng, large, small));
                    checked += 2;
                }
            }
        }
        assertThat(checked).isEqualTo(336);
    }

    @Test
    void integerMatricesWithManyTiesAgreeExactlyWithBruteForce() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rng.nextInt(7);
            int m = 1 + rng.nextInt(7);
            int levels = 1 + rng.nextInt(3);
            double[][] a = new double[n][m];
            for (double[] row : a) {
                for (int j = 0; j < m; j++) {
                    row[j] = rng.nextInt(levels) - 1;
                }
            }

            int[] max = OptimalAssignment.maximize(a);
            int[] min = OptimalAssignment.minimize(a);

            assertValidInjection(max, n, m);
            assertValidInjection(min, n, m);
            assertThat(total(a, max)).isEqualTo(bruteForce(a, true));
            assertThat(total(a, min)).isEqualTo(bruteForce(a, false));
        }
    }

    @Test
    void largeOffsetsKeepIntegerTotalsExact() {
        SplittableRandom rng = new SplittableRandom(8);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rng.nextInt(6);
            int m = 1 + rng.nextInt(6);
            double[][] a = new double[n][m];
            for (double[] row : a) {
                for (int j = 0; j < m; j++) {
                    row[j] = 1e12 + rng.nextInt(5);
                }
            }

            assertThat(total(a, OptimalAssignment.maximize(a))).isEqualTo(bruteForce(a, true));
            assertThat(total(a, OptimalAssignment.minimize(a))).isEqualTo(bruteForce(a, false));
        }
    }

    @Test
    void tiesAreBrokenDeterministically() {
        double[][] constant = new double[4][6];
        double[][] tallConstant = new double[6][4];

        assertThat(OptimalAssignment.maximize(constant)).containsExactly(0, 1, 2, 3);
        assertThat(OptimalAssignment.minimize(tallConstant)).containsExactly(0, 1, 2, 3, -1, -1);
        SplittableRandom rng = new SplittableRandom(3);
        double[][] ties = new double[7][7];
        for (double[] row : ties) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rng.nextInt(2);
            }
        }
        int[] first = OptimalAssignment.maximize(ties);
        for (int repeat = 0; repeat < 5; repeat++) {
            assertThat(OptimalAssignment.maximize(ties)).containsExactly(first);
        }
    }

    @Test
    void inputIsNotModified() {
        double[][] a = {{1, 2}, {3, 4}, {5, -6}};
        double[][] copy = {{1, 2}, {3, 4}, {5, -6}};

        OptimalAssignment.maximize(a);
        OptimalAssignment.minimize(a);

        assertThat(a).isDeepEqualTo(copy);
    }

    @Test
    void sixtyFourBySixtyFourIsFastAndBeatsGreedy() {
        SplittableRandom rng = new SplittableRandom(64);
        for (int trial = 0; trial < 5; trial++) {
            double[][] a = randomMatrix(rng, 64, 64);

            int[] result = assertTimeout(Duration.ofSeconds(2), () -> OptimalAssignment.maximize(a));

            assertValidInjection(result, 64, 64);
            assertThat(result).containsExactlyInAnyOrder(identity(64));
            assertThat(total(a, result)).isGreaterThanOrEqualTo(total(a, greedy(a)) - 1e-9);
        }
    }

    @Test
    void validatesTheMatrix() {
        assertThatThrownBy(() -> OptimalAssignment.maximize(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("score must not be null");
        assertThatThrownBy(() -> OptimalAssignment.minimize(new double[0][]))
                .hasMessage("cost must have at least one row but had 0");
        assertThatThrownBy(() -> OptimalAssignment.minimize(new double[2][0]))
                .hasMessage("cost must have at least one column but had 0");
        assertThatThrownBy(() -> OptimalAssignment.minimize(new double[][] {null}))
                .hasMessage("cost row 0 must not be null");
        assertThatThrownBy(() -> OptimalAssignment.maximize(new double[][] {{1, 2}, null}))
                .hasMessage("score row 1 must not be null");
        assertThatThrownBy(() -> OptimalAssignment.maximize(new double[][] {{1, 2}, {3, 4}, {5}}))
                .hasMessage("score must be rectangular but row 2 had 1 columns where row 0 had 2");
        assertThatThrownBy(() -> OptimalAssignment.minimize(new double[][] {{1, 2}, {3, Double.NaN}}))
                .hasMessage("cost[1][1] must be finite but was NaN");
        assertThatThrownBy(() -> OptimalAssignment.maximize(new double[][] {{Double.NEGATIVE_INFINITY}}))
                .hasMessage("score[0][0] must be finite but was -Infinity");
        assertThatThrownBy(() -> OptimalAssignment.maximize(new double[][] {{-Double.MAX_VALUE, Double.MAX_VALUE}}))
                .hasMessage("score entries must span a range that stays finite when multiplied by n + m = 3 but"
                        + " spanned [-1.7976931348623157E308, 1.7976931348623157E308]");
    }

    private static void assertOptimal(double[][] a) {
        int n = a.length;
        int m = a[0].length;
        int[] max = OptimalAssignment.maximize(a);
        int[] min = OptimalAssignment.minimize(a);
        assertValidInjection(max, n, m);
        assertValidInjection(min, n, m);
        assertThat(total(a, max)).isCloseTo(bruteForce(a, true), within(1e-9));
        assertThat(total(a, min)).isCloseTo(bruteForce(a, false), within(1e-9));
    }

    private static void assertValidInjection(int[] result, int n, int m) {
        assertThat(result).hasSize(n);
        boolean[] used = new boolean[m];
        int matched = 0;
        for (int column : result) {
            assertThat(column).isBetween(-1, m - 1);
            if (column >= 0) {
                assertThat(used[column]).as("column %d used twice in %s", column, result).isFalse();
                used[column] = true;
                matched++;
            }
        }
        assertThat(matched).isEqualTo(Math.min(n, m));
    }

    private static double[][] randomMatrix(SplittableRandom rng, int n, int m) {
        double[][] a = new double[n][m];
        for (double[] row : a) {
            for (int j = 0; j < m; j++) {
                row[j] = rng.nextDouble(-5, 5);
            }
        }
        return a;
    }

    private static double total(double[][] a, int[] result) {
        double sum = 0;
        for (int i = 0; i < result.length; i++) {
            if (result[i] >= 0) {
                sum += a[i][result[i]];
            }
        }
        return sum;
    }

    /** Best total over every injection of the smaller side into the larger. */
    private static double bruteForce(double[][] a, boolean maximize) {
        int n = a.length;
        int m = a[0].length;
        boolean transpose = n > m;
        int small = Math.min(n, m);
        int large = Math.max(n, m);
        double[] best = {maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY};
        search(a, transpose, 0, small, new boolean[large], 0.0, maximize, best);
        return best[0];
    }

    private static void search(double[][] a, boolean transpose, int k, int small, boolean[] used, double sum,
            boolean maximize, double[] best) {
        if (k == small) {
            best[0] = maximize ? Math.max(best[0], sum) : Math.min(best[0], sum);
            return;
        }
        for (int other = 0; other < used.length; other++) {
            if (!used[other]) {
                used[other] = true;
                double entry = transpose ? a[other][k] : a[k][other];
                search(a, transpose, k + 1, small, used, sum + entry, maximize, best);
                used[other] = false;
            }
        }
    }

    /** Repeatedly takes the largest entry whose row and column are both free. */
    private static int[] greedy(double[][] a) {
        int n = a.length;
        int m = a[0].length;
        List<int[]> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                cells.add(new int[] {i, j});
            }
        }
        cells.sort(Comparator.comparingDouble((int[] c) -> a[c[0]][c[1]]).reversed());
        int[] result = new int[n];
        Arrays.fill(result, -1);
        boolean[] columnUsed = new boolean[m];
        for (int[] c : cells) {
            if (result[c[0]] < 0 && !columnUsed[c[1]]) {
                result[c[0]] = c[1];
                columnUsed[c[1]] = true;
            }
        }
        return result;
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}

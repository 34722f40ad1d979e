package io.shoal.segmentation;

import java.util.Arrays;

/**
 * Optimal one-to-one assignment of the rows of a rectangular matrix to its columns (the Hungarian method of Kuhn and
 * Munkres, in its O(n² m) shortest-augmenting-path form with dual potentials).
 *
 * <p>Rule: among all injections from the smaller side into the larger one (exactly min(n, m) pairs, each row and each
 * column used at most once), return one that minimises Σ c[i][π(i)] ({@link #minimize}) or maximises
 * Σ s[i][π(i)] ({@link #maximize}, solved as the minimisation of -s). Rows are added one at a time; each addition
 * grows a tree of tight edges from the new row (Dijkstra on the reduced costs c[i][j] - u[i] - v[j] ≥ 0) until it
 * reaches a free column, then flips the alternating path. The potentials keep every reduced cost non-negative and
 * every matched edge tight, which is the optimality certificate. When rows outnumber columns the transpose is solved.
 *
 * <p>Glossary:
 * <ul>
 * <li>n, m: rows and columns of the matrix.</li>
 * <li>c[i][j]: cost of pairing row i with column j (s[i][j] the score, c = -s when maximising).</li>
 * <li>u[i], v[j]: dual potentials of row i and column j; c[i][j] - u[i] - v[j] is the reduced cost.</li>
 * <li>π(i): the column of row i in the result, -1 when row i is left unmatched (only when n &gt; m).</li>
 * </ul>
 *
 * <p>Boundary values: a 1 × m matrix picks the best single entry of its row; an n × 1 matrix the best entry of its
 * column, every other row unmatched; a constant matrix returns the identity on the first min(n, m) indices.
 *
 * <p>Ties: the result is a pure function of the matrix. Rows are inserted in index order and, among columns of
 * equal reduced distance, the lowest index is reached first, so equal inputs always give equal outputs. With
 * floating-point entries the total is optimal up to rounding; with integer entries (sums exactly representable) it
 * is exactly optimal.
 *
 * <p>Inputs must be non-null, non-empty, rectangular and finite. The entries are first shifted into [0, max - min]
 * (which moves every injection's total by the same amount), and that spread times (n + m) must be finite so that the
 * potentials cannot overflow.
 */
public final class OptimalAssignment {

    /** Marks a row left without a column. */
    private static final int UNMATCHED = -1;

    private OptimalAssignment() {
    }

    /**
     * Row i is matched to column result[i], or -1 when rows outnumber columns and i is left unmatched; maximises the
     * sum of score[i][result[i]] over matched rows; every column used at most once; min(n, m) pairs are matched.
     */
    public static int[] maximize(double[][] score) {
        return solve(shifted(score, "score", true));
    }

    /** Same as {@link #maximize} but minimising the sum of cost[i][result[i]] over matched rows. */
    public static int[] minimize(double[][] cost) {
        return solve(shifted(cost, "cost", false));
    }

    private static int[] solve(double[][] cost) {
        int n = cost.length;
        int m = cost[0].length;
        if (n <= m) {
            return solveWide(cost, n, m);
        }
        double[][] transposed = new double[m][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                transposed[j][i] = cost[i][j];
            }
        }
        int[] rowOfColumn = solveWide(transposed, m, n);
        int[] result = new int[n];
        Arrays.fill(result, UNMATCHED);
        for (int j = 0; j < m; j++) {
            result[rowOfColumn[j]] = j;
        }
        return result;
    }

    /**
     * The algorithm for n ≤ m. Column index m is a virtual column that holds the row being inserted, so that the
     * search tree has a single root and the path flip needs no special case.
     */
    private static int[] solveWide(double[][] cost, int n, int m) {
        double[] u = new double[n];
        double[] v = new double[m + 1];
        int[] rowOf = new int[m + 1];
        Arrays.fill(rowOf, UNMATCHED);
        int[] previous = new int[m + 1];
        double[] distance = new double[m + 1];
        boolean[] inTree = new boolean[m + 1];
        int root = m;
        for (int row = 0; row < n; row++) {
            rowOf[root] = row;
            Arrays.fill(distance, Double.POSITIVE_INFINITY);
            Arrays.fill(inTree, false);
            int column = root;
            do {
                inTree[column] = true;
                int i = rowOf[column];
                double delta = Double.POSITIVE_INFINITY;
                int next = UNMATCHED;
                for (int j = 0; j < m; j++) {
                    if (inTree[j]) {
                        continue;
                    }
                    double reduced = cost[i][j] - u[i] - v[j];
                    if (reduced < distance[j]) {
                        distance[j] = reduced;
                        previous[j] = column;
                    }
                    if (distance[j] < delta) {
                        delta = distance[j];
                        next = j;
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (inTree[j]) {
                        u[rowOf[j]] += delta;
                        v[j] -= delta;
                    } else {
                        distance[j] -= delta;
                    }
                }
                column = next;
            } while (rowOf[column] != UNMATCHED);
            while (column != root) {
                int before = previous[column];
                rowOf[column] = rowOf[before];
                column = before;
            }
        }
        int[] result = new int[n];
        for (int j = 0; j < m; j++) {
            if (rowOf[j] != UNMATCHED) {
                result[rowOf[j]] = j;
            }
        }
        return result;
    }

    /**
     * A validated copy of the matrix as costs in [0, max - min]: c - min, or max - s when maximising. Every injection
     * has min(n, m) entries, so shifting all of them by one constant keeps the optimum; it also keeps the potentials
     * near zero, away from overflow.
     */
    private static double[][] shifted(double[][] matrix, String name, boolean negate) {
        if (matrix == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (matrix.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one row but had 0");
        }
        if (matrix[0] == null) {
            throw new IllegalArgumentException(name + " row 0 must not be null");
        }
        int m = matrix[0].length;
        if (m == 0) {
            throw new IllegalArgumentException(name + " must have at least one column but had 0");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < matrix.length; i++) {
            if (matrix[i] == null) {
                throw new IllegalArgumentException(name + " row " + i + " must not be null");
            }
            if (matrix[i].length != m) {
                throw new IllegalArgumentException(name + " must be rectangular but row " + i + " had "
                        + matrix[i].length + " columns where row 0 had " + m);
            }
            for (int j = 0; j < m; j++) {
                double x = matrix[i][j];
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + j + "] must be finite but was " + x);
                }
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        int sides = matrix.length + m;
        if (!Double.isFinite((max - min) * sides)) {
            throw new IllegalArgumentException(name + " entries must span a range that stays finite when multiplied"
                    + " by n + m = " + sides + " but spanned [" + min + ", " + max + "]");
        }
        double[][] out = new double[matrix.length][m];
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < m; j++) {
                out[i][j] = negate ? max - matrix[i][j] : matrix[i][j] - min;
            }
        }
        return out;
    }
}

package io.shoal.query;

/**
 * A 2-D picture of high-dimensional points for the dashboard's segment map. Pure.
 * <p>
 * Rule: principal component analysis. The points are centred on their mean; the two axes are the leading
 * eigenvectors of the covariance, found by power iteration (start: a fixed vector, so the picture is the same on
 * every call with the same points; the second axis is deflated against the first); each point's coordinates are its
 * centred vector's dot products with the axes. The share of the variance the two axes carry is reported, so a
 * reader knows how much the flat picture leaves out.
 */
public final class Projection {

    /** The coordinates, one (x, y) per point in input order, and the variance share of each axis. */
    public record Result(double[][] coordinates, double firstShare, double secondShare) {
    }

    static final int ITERATIONS = 100;

    private Projection() {
    }

    public static Result pca2(float[][] points) {
        int n = points.length;
        if (n == 0) {
            return new Result(new double[0][], 0, 0);
        }
        int d = points[0].length;
        double[] mean = new double[d];
        for (float[] p : points) {
            if (p.length != d) {
                throw new IllegalArgumentException("all points must have dimension " + d + " but one had "
                        + p.length);
            }
            for (int i = 0; i < d; i++) {
                mean[i] += p[i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= n;
        }
        double[][] x = new double[n][d];
        double total = 0;
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                x[r][i] = points[r][i] - mean[i];
                total += x[r][i] * x[r][i];
            }
        }
        double[] first = leading(x, null);
        double[] second = leading(x, first);
        double[][] out = new double[n][2];
        double v1 = 0;
        double v2 = 0;
        for (int r = 0; r < n; r++) {
            out[r][0] = dot(x[r], first);
            out[r][1] = dot(x[r], second);
            v1 += out[r][0] * out[r][0];
            v2 += out[r][1] * out[r][1];
        }
        return new Result(out, total > 0 ? v1 / total : 0, total > 0 ? v2 / total : 0);
    }

    /** The leading unit eigenvector of XᵀX, orthogonal to {@code against} when given. */
    private static double[] leading(double[][] x, double[] against) {
        int d = x[0].length;
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = 1.0 + (i % 7) * 0.1;
        }
        orthogonalise(v, against);
        normalise(v);
        for (int it = 0; it < ITERATIONS; it++) {
            double[] next = new double[d];
            for (double[] row : x) {
                double s = dot(row, v);
                for (int i = 0; i < d; i++) {
                    next[i] += s * row[i];
                }
            }
            orthogonalise(next, against);
            if (normalise(next) == 0) {
                return v;
            }
            v = next;
        }
        return v;
    }

    private static void orthogonalise(double[] v, double[] against) {
        if (against != null) {
            double s = dot(v, against);
            for (int i = 0; i < v.length; i++) {
                v[i] -= s * against[i];
            }
        }
    }

    private static double normalise(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
        return norm;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

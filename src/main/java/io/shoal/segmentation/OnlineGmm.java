package io.shoal.segmentation;

import java.util.List;

/**
 * Diagonal-covariance Gaussian mixture over profile vectors, updated per micro-batch by online (stepwise) EM with
 * the same forgetting as {@link StreamingKMeans}. Gives soft memberships; the hard segment is the argmax, to which
 * {@link AssignmentPolicy} applies with the posteriors as scores.
 *
 * <h2>Update rule</h2>
 * For a batch x_1..x_m and decay a:
 *
 * <pre>
 *   E-step (current parameters):  r_ik = π_k N(x_i | μ_k, σ²_k) / Σ_j π_j N(x_i | μ_j, σ²_j)   (log-sum-exp)
 *   statistics:  N_k ← a·N_k + Σ_i r_ik
 *                S_k ← a·S_k + Σ_i r_ik x_i
 *                Q_k ← a·Q_k + Σ_i r_ik x_i²          (per dimension)
 *   M-step:      π_k = N_k / Σ_j N_j
 *                μ_k = S_k / N_k
 *                σ²_k = max(Q_k / N_k - μ_k², varFloor)   (per dimension)
 * </pre>
 * Divisions by N_k are guarded with max(N_k, 1e-12); since S_k and Q_k decay with N_k, a starved component keeps
 * its mean and variance while its π_k shrinks.
 *
 * <h2>Glossary</h2>
 * <ul>
 * <li>N_k, S_k, Q_k: decayed sufficient statistics ({@link GmmState}); r_ik: responsibility of component k for
 * x_i.</li>
 * <li>π_k, μ_k, σ²_k: mixing weight, mean and diagonal variance of component k.</li>
 * <li>varFloor: the smallest variance allowed in any dimension, so that no component collapses on a few
 * identical profiles (which would give it infinite density).</li>
 * <li>a: decay in [0, 1], as for k-means (see {@link StreamingKMeans#decayFor}).</li>
 * </ul>
 *
 * <h2>Boundary values</h2>
 * a = 1: the statistics of all batches add up (the batch EM fixed point on all data seen, one E-step per batch);
 * a = 0: the parameters are the M-step of the newest batch alone. A larger varFloor makes memberships softer.
 */
public final class OnlineGmm {

    private static final double COUNT_EPSILON = 1e-12;
    /** Pseudo-count given to a seeded component that has no sample member, so its mean is its centroid. */
    private static final double EMPTY_SEED_COUNT = 1e-6;
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final double varFloor;

    /** @param varFloor smallest variance per dimension; &gt; 0 */
    public OnlineGmm(double varFloor) {
        if (!(varFloor > 0) || Double.isInfinite(varFloor)) {
            throw new IllegalArgumentException("varFloor must be finite and > 0 but was " + varFloor);
        }
        this.varFloor = varFloor;
    }

    public double varFloor() {
        return varFloor;
    }

    /**
     * A first state from seeded k-means centroids: each sample profile counts fully for its nearest centroid. A
     * centroid without members gets a tiny pseudo-count at the centroid with variance varFloor.
     */
    public GmmState initial(KMeansState seeds, List<float[]> sample) {
        Vectors.requireDimensions(sample, seeds.dimension(), "sample");
        int k = seeds.k();
        int d = seeds.dimension();
        double[] counts = new double[k];
        double[][] sums = new double[k][d];
        double[][] squares = new double[k][d];
        float[][] c = seeds.centroidsRef();
        for (float[] x : sample) {
            int j = Vectors.nearest(c, x);
            accumulate(counts, sums, squares, j, x, 1.0);
        }
        for (int j = 0; j < k; j++) {
            if (counts[j] == 0) {
                counts[j] = EMPTY_SEED_COUNT;
                for (int i = 0; i < d; i++) {
                    sums[j][i] = EMPTY_SEED_COUNT * c[j][i];
                    squares[j][i] = EMPTY_SEED_COUNT * ((double) c[j][i] * c[j][i] + varFloor);
                }
            }
        }
        return new GmmState(counts, sums, squares, 0);
    }

    /** One online EM step (see the class comment); the version advances by one. */
    public GmmState update(GmmState state, List<float[]> batch, double decay) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in [0, 1] but was " + decay);
        }
        Vectors.requireDimensions(batch, state.dimension(), "batch");
        int k = state.k();
        int d = state.dimension();
        Parameters p = parameters(state);
        double[] counts = new double[k];
        double[][] sums = new double[k][d];
        double[][] squares = new double[k][d];
        for (int j = 0; j < k; j++) {
            counts[j] = decay * state.count(j);
            double[] s = state.sumRef(j);
            double[] q = state.sumSquaresRef(j);
            for (int i = 0; i < d; i++) {
                sums[j][i] = decay * s[i];
                squares[j][i] = decay * q[i];
            }
        }
        for (float[] x : batch) {
            double[] r = p.posteriors(x);
            for (int j = 0; j < k; j++) {
                accumulate(counts, sums, squares, j, x, r[j]);
            }
        }
        return new GmmState(counts, sums, squares, state.version() + 1);
    }

    /** Posterior membership probabilities of one profile, by component; they sum to 1. */
    public double[] memberships(GmmState state, float[] x) {
        Vectors.requireDimension(x, state.dimension(), "profile");
        return parameters(state).posteriors(x);
    }

    /** The hard segment: argmax of {@link #memberships}. */
    public int segment(GmmState state, float[] x) {
        double[] r = memberships(state, x);
        int best = 0;
        for (int j = 1; j < r.length; j++) {
            if (r[j] > r[best]) {
                best = j;
            }
        }
        return best;
    }

    /** Mean log-likelihood per profile of a set of profiles; for monitoring convergence. */
    public double meanLogLikelihood(GmmState state, List<float[]> profiles) {
        Vectors.requireDimensions(profiles, state.dimension(), "profiles");
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("profiles must be non-empty");
        }
        Parameters p = parameters(state);
        double total = 0;
        for (float[] x : profiles) {
            total += logSumExp(p.logJoint(x));
        }
        return total / profiles.size();
    }

    /** π_k. */
    public double[] mixingWeights(GmmState state) {
        return parameters(state).weights();
    }

    /** μ_k. */
    public double[][] means(GmmState state) {
        return Vectors.deepCopy(parameters(state).means);
    }

    /** σ²_k, floored at varFloor. */
    public double[][] variances(GmmState state) {
        return Vectors.deepCopy(parameters(state).variances);
    }

    private static void accumulate(double[] counts, double[][] sums, double[][] squares, int j, float[] x,
            double r) {
        if (r == 0) {
            return;
        }
        counts[j] += r;
        double[] s = sums[j];
        double[] q = squares[j];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            s[i] += r * v;
            q[i] += r * v * v;
        }
    }

    private Parameters parameters(GmmState state) {
        int k = state.k();
        int d = state.dimension();
        double total = 0;
        for (int j = 0; j < k; j++) {
            total += state.count(j);
        }
        double[] logWeights = new double[k];
        double[][] means = new double[k][d];
        double[][] variances = new double[k][d];
        double[] logNormalizers = new double[k];
        for (int j = 0; j < k; j++) {
            double n = Math.max(state.count(j), COUNT_EPSILON);
            logWeights[j] = Math.log(Math.max(state.count(j), COUNT_EPSILON) / Math.max(total, COUNT_EPSILON));
            double[] s = state.sumRef(j);
            double[] q = state.sumSquaresRef(j);
            double logDet = 0;
            for (int i = 0; i < d; i++) {
                double mu = s[i] / n;
                means[j][i] = mu;
                variances[j][i] = Math.max(q[i] / n - mu * mu, varFloor);
                logDet += Math.log(variances[j][i]);
            }
            logNormalizers[j] = -0.5 * (d * LOG_2PI + logDet);
        }
        return new Parameters(logWeights, means, variances, logNormalizers);
    }

    private static double logSumExp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - max);
        }
        return max + Math.log(s);
    }

    private record Parameters(double[] logWeights, double[][] means, double[][] variances,
            double[] logNormalizers) {

        double[] weights() {
            double[] w = new double[logWeights.length];
            for (int j = 0; j < w.length; j++) {
                w[j] = Math.exp(logWeights[j]);
            }
            return w;
        }

        double[] logJoint(float[] x) {
            double[] out = new double[logWeights.length];
            for (int j = 0; j < out.length; j++) {
                double[] mu = means[j];
                double[] var = variances[j];
                double quad = 0;
                for (int i = 0; i < x.length; i++) {
                    double diff = x[i] - mu[i];
                    quad += diff * diff / var[i];
                }
                out[j] = logWeights[j] + logNormalizers[j] - 0.5 * quad;
            }
            return out;
        }

        double[] posteriors(float[] x) {
            double[] log = logJoint(x);
            double norm = logSumExp(log);
            double[] out = new double[log.length];
            for (int j = 0; j < out.length; j++) {
                out[j] = Math.exp(log[j] - norm);
            }
            return out;
        }
    }
}

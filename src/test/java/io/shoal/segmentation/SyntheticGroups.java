package io.shoal.segmentation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded synthetic profiles: groups of unit vectors scattered around random unit centres. */
final class SyntheticGroups {

    final float[][] centres;
    private final double noisePerCoordinate;
    private final SplittableRandom rng;

    /**
     * @param groups number of groups
     * @param dimension d
     * @param noise the expected norm of the noise added to a centre before normalising
     * @param seed makes centres and draws reproducible
     */
    SyntheticGroups(int groups, int dimension, double noise, long seed) {
        this.rng = new SplittableRandom(seed);
        this.noisePerCoordinate = noise / Math.sqrt(dimension);
        this.centres = new float[groups][];
        for (int g = 0; g < groups; g++) {
            double[] v = new double[dimension];
            for (int i = 0; i < dimension; i++) {
                v[i] = gaussian();
            }
            centres[g] = Vectors.normalizeOrNull(v);
        }
    }

    /** A labelled set of profiles. */
    record Sample(List<float[]> vectors, int[] labels) {
    }

    /** {@code n} profiles from the given groups, in random order. */
    Sample draw(int n, int... groups) {
        List<float[]> vectors = new ArrayList<>(n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int g = groups.length == 0 ? rng.nextInt(centres.length) : groups[rng.nextInt(groups.length)];
            labels[i] = g;
            vectors.add(around(centres[g]));
        }
        return new Sample(vectors, labels);
    }

    float[] around(float[] centre) {
        double[] v = new double[centre.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = centre[i] + noisePerCoordinate * gaussian();
        }
        return Vectors.normalizeOrNull(v);
    }

    private double gaussian() {
        // Box-Muller rather than nextGaussian(), whose algorithm is not pinned across JDKs: the data stay the same.
        double u = 1.0 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static float[] unit(double... xs) {
        return Vectors.normalizeOrNull(xs);
    }
}

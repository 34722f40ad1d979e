package io.shoal.segmentation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Why a shopper is in a segment: how close the profile is to each centroid, and which of the shopper's items pull
 * toward it. Pure: vectors and weights in, numbers out.
 *
 * <h2>Rule</h2>
 * With the shopper's unit profile p and unit centroids c_j:
 * <ul>
 * <li>similarity s_j = p · c_j (the score k-means assigns by); the ranking is by s_j, highest first (ties: the
 * lower segment id); the margin of the first over the second is s_1 − s_2 (s_1 itself with one segment);</li>
 * <li>an item i of the shopper, with decayed weight w_i (its interactions' weights, each halved per half-life) and
 * unit vector x_i, contributes w_i · (x_i · c) to a segment c: the profile is the normalised decayed weighted sum of
 * the item vectors, so its similarity to c is the sum of these contributions over the profile's norm. An item's
 * share is its contribution over the sum of the positive contributions;</li>
 * <li>items are ranked by contribution, highest first (ties: the item key); those with a negative contribution
 * pull away from the segment and are listed after the positive ones only if asked for.</li>
 * </ul>
 * The items are what the recommendation state keeps per shopper (the top items by decayed weight), not every event
 * ever seen, so contributions explain the profile approximately when a shopper has more items than are kept.
 */
public final class SegmentExplainer {

    /** A segment's similarity to the profile. */
    public record Scored(long segmentId, double similarity) {
    }

    /** An item of the shopper: its key, decayed weight and unit vector. */
    public record Item(String key, double weight, float[] vector) {
    }

    /** An item's pull toward a segment. */
    public record Contribution(String key, double weight, double similarity, double contribution, double share) {
    }

    private SegmentExplainer() {
    }

    /** The segments by similarity to the unit profile, highest first (ties: the lower id). */
    public static List<Scored> rank(float[] profile, KMeansState state) {
        if (profile.length != state.dimension()) {
            throw new IllegalArgumentException("profile has dimension " + profile.length + " but the model "
                    + state.dimension());
        }
        List<Scored> out = new ArrayList<>(state.k());
        for (int j = 0; j < state.k(); j++) {
            out.add(new Scored(state.segmentId(j), dot(profile, state.centroid(j))));
        }
        out.sort(Comparator.comparingDouble(Scored::similarity).reversed().thenComparingLong(Scored::segmentId));
        return out;
    }

    /** s_1 − s_2 of a ranking (s_1 with one segment; NaN with none). */
    public static double margin(List<Scored> ranked) {
        if (ranked.isEmpty()) {
            return Double.NaN;
        }
        return ranked.size() == 1 ? ranked.get(0).similarity()
                : ranked.get(0).similarity() - ranked.get(1).similarity();
    }

    /**
     * The items' contributions toward a unit centroid, ranked; items whose vector has another dimension are left
     * out.
     *
     * @param limit the most contributions returned
     * @param includeNegative whether items pulling away (contribution &lt; 0) are listed after the others
     */
    public static List<Contribution> contributions(List<Item> items, float[] centroid, int limit,
            boolean includeNegative) {
        List<Contribution> all = new ArrayList<>(items.size());
        double positive = 0;
        double[] c = new double[items.size()];
        double[] sim = new double[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item.vector() == null || item.vector().length != centroid.length) {
                c[i] = Double.NaN;
                continue;
            }
            sim[i] = dot(item.vector(), centroid);
            c[i] = item.weight() * sim[i];
            if (c[i] > 0) {
                positive += c[i];
            }
        }
        for (int i = 0; i < items.size(); i++) {
            if (Double.isNaN(c[i]) || (!includeNegative && c[i] < 0)) {
                continue;
            }
            Item item = items.get(i);
            all.add(new Contribution(item.key(), item.weight(), sim[i], c[i], positive > 0 ? c[i] / positive : 0));
        }
        all.sort(Comparator.comparingDouble(Contribution::contribution).reversed()
                .thenComparing(Contribution::key));
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}

package io.shoal.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Describes segments by the item texts nearest to their centroids and derives a short label from them. Pure: unit
 * centroids and a sample of (text, unit vector) in, descriptions out.
 * <p>
 * Nearest = highest cosine similarity c_k·x (both unit). The label is "segment {id}: w1, w2, w3" where the w are the
 * significant words (letters only, at least 3 of them, not a stop word) that occur in the most of the nearest
 * texts; ties go to the word that first appears in a nearer text. A segment with no significant word, or no texts
 * at all, is labelled "segment {id}".
 */
public final class SegmentDescriber {

    /** The nearest texts of one segment, nearest first, and the label derived from them. */
    public record Description(List<String> nearestTexts, String label) {
    }

    /** Words that say nothing about a segment: English function words and retail filler. */
    private static final Set<String> STOP_WORDS = Set.of("the", "and", "for", "with", "of", "set", "pack", "box",
            "from", "this", "that", "you", "your", "are", "was", "not", "but", "all", "any", "can", "has", "have",
            "one", "two", "three", "four", "six", "pcs", "piece", "pieces", "size", "new", "large", "small", "mini",
            "assorted", "design", "des", "les", "und", "der", "die", "das");

    private SegmentDescriber() {
    }

    /**
     * @param ids       segment id per slot
     * @param centroids unit centroid per slot (same order as ids)
     * @param texts     recent item texts with unit vectors; vectors of another dimension are ignored
     * @param perSegment how many nearest texts to keep per segment (at least 1)
     * @param labelWords how many words in a label (at least 1)
     */
    public static Map<Long, Description> describe(long[] ids, float[][] centroids, Map<String, float[]> texts,
            int perSegment, int labelWords) {
        if (perSegment < 1 || labelWords < 1) {
            throw new IllegalArgumentException("perSegment and labelWords must be >= 1 but were " + perSegment
                    + " and " + labelWords);
        }
        if (ids.length != centroids.length) {
            throw new IllegalArgumentException("one centroid per id expected but got " + centroids.length
                    + " centroids for " + ids.length + " ids");
        }
        List<String> names = new ArrayList<>(texts.size());
        List<float[]> vectors = new ArrayList<>(texts.size());
        Map<Long, Description> out = new LinkedHashMap<>();
        for (int j = 0; j < ids.length; j++) {
            float[] c = centroids[j];
            if (names.isEmpty()) {
                texts.forEach((t, v) -> {
                    if (v.length == c.length) {
                        names.add(t);
                        vectors.add(v);
                    }
                });
            }
            Integer[] order = new Integer[names.size()];
            double[] sim = new double[names.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
                sim[i] = dot(c, vectors.get(i));
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -sim[i]).thenComparing(names::get));
            List<String> nearest = new ArrayList<>(Math.min(perSegment, order.length));
            for (int r = 0; r < order.length && r < perSegment; r++) {
                nearest.add(names.get(order[r]));
            }
            out.put(ids[j], new Description(List.copyOf(nearest), label(ids[j], nearest, labelWords)));
        }
        return out;
    }

    /** The label of a segment from its nearest texts (nearest first); see the class comment. */
    public static String label(long segmentId, List<String> nearestTexts, int words) {
        Map<String, Integer> textsContaining = new HashMap<>();
        Map<String, Integer> firstSeen = new HashMap<>();
        int position = 0;
        for (String text : nearestTexts) {
            Set<String> inThisText = new HashSet<>();
            for (String token : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
                if (token.length() < 3 || STOP_WORDS.contains(token) || !inThisText.add(token)) {
                    continue;
                }
                textsContaining.merge(token, 1, Integer::sum);
                firstSeen.putIfAbsent(token, position++);
            }
        }
        List<String> ranked = new ArrayList<>(textsContaining.keySet());
        ranked.sort(Comparator.<String>comparingInt(w -> -textsContaining.get(w)).thenComparingInt(firstSeen::get));
        if (ranked.isEmpty()) {
            return "segment " + segmentId;
        }
        return "segment " + segmentId + ": " + String.join(", ", ranked.subList(0, Math.min(words, ranked.size())));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}

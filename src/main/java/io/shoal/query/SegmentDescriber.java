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
 * Describes segments by the item texts nearest to their centroids and by their distinctive terms, and derives a short
 * label. Pure: unit centroids and a sample of (text, unit vector) in, descriptions out.
 *
 * <h2>Rule</h2>
 * <ul>
 * <li>Nearest texts: highest cosine similarity c_k·x (both unit); ties by text.</li>
 * <li>Terms: the significant words of a text (letters only, at least 3 of them, lower-cased, not a stop word).</li>
 * <li>Distinctive terms, by class-based TF-IDF (c-TF-IDF, as BERTopic computes it): each sampled text belongs to the
 * segment of its nearest centroid; for term t and segment c, W(t, c) = tf(t, c) · log(1 + A / f(t)), where
 * tf(t, c) is the number of c's texts containing t over the sum of that number over all terms of c, f(t) the number
 * of all texts containing t and A the mean of that sum per segment (over segments with texts). Texts are the
 * distinct sampled titles, so a term counts once per title. Highest W first; ties go to the term
 * that first appears in a nearer text of the segment.</li>
 * <li>Label: "segment {id}: t1, t2, t3" from the distinctive terms; a segment that owns no sampled text falls back to
 * the words in the most of its nearest texts ({@link #label}); with no significant word at all, "segment {id}".</li>
 * </ul>
 */
public final class SegmentDescriber {

    /**
     * The description of one segment.
     *
     * @param nearestTexts the sampled texts nearest to the centroid, nearest first
     * @param label        the label derived from the terms (or the nearest texts)
     * @param terms        the distinctive terms by c-TF-IDF, most distinctive first (empty when it owns no text)
     */
    public record Description(List<String> nearestTexts, String label, List<String> terms) {
    }

    /** Words that say nothing about a segment: English function words and retail filler. */
    private static final Set<String> STOP_WORDS = Set.of("the", "and", "for", "with", "of", "set", "pack", "box",
            "from", "this", "that", "you", "your", "are", "was", "not", "but", "all", "any", "can", "has", "have",
            "one", "two", "three", "four", "six", "pcs", "piece", "pieces", "size", "new", "large", "small", "mini",
            "assorted", "design", "des", "les", "und", "der", "die", "das");

    /** Distinctive terms kept per segment. */
    public static final int TERMS = 8;

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
        if (ids.length > 0) {
            texts.forEach((t, v) -> {
                if (v.length == centroids[0].length) {
                    names.add(t);
                    vectors.add(v);
                }
            });
        }
        int n = names.size();
        double[][] sim = new double[ids.length][n];
        int[] owner = new int[n];
        for (int i = 0; i < n; i++) {
            owner[i] = -1;
            for (int j = 0; j < ids.length; j++) {
                sim[j][i] = dot(centroids[j], vectors.get(i));
                if (owner[i] < 0 || sim[j][i] > sim[owner[i]][i]) {
                    owner[i] = j;
                }
            }
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(names.get(i), i);
        }
        List<List<String>> ordered = new ArrayList<>(ids.length);
        for (int j = 0; j < ids.length; j++) {
            double[] s = sim[j];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparing(names::get));
            List<String> texts0 = new ArrayList<>(n);
            for (Integer i : order) {
                texts0.add(names.get(i));
            }
            ordered.add(texts0);
        }
        // c-TF-IDF over the texts each segment owns.
        List<Map<String, Integer>> classCounts = new ArrayList<>(ids.length);
        List<Map<String, Integer>> firstSeen = new ArrayList<>(ids.length);
        Map<String, Integer> overall = new HashMap<>();
        int[] classTotal = new int[ids.length];
        for (int j = 0; j < ids.length; j++) {
            Map<String, Integer> counts = new HashMap<>();
            Map<String, Integer> first = new HashMap<>();
            int position = 0;
            for (String text : ordered.get(j)) {
                if (owner[index.get(text)] != j) {
                    continue;
                }
                for (String term : terms(text)) {
                    counts.merge(term, 1, Integer::sum);
                    overall.merge(term, 1, Integer::sum);
                    first.putIfAbsent(term, position++);
                    classTotal[j]++;
                }
            }
            classCounts.add(counts);
            firstSeen.add(first);
        }
        int classes = 0;
        long allTerms = 0;
        for (int total : classTotal) {
            if (total > 0) {
                classes++;
                allTerms += total;
            }
        }
        double meanTerms = classes == 0 ? 0 : (double) allTerms / classes;
        Map<Long, Description> out = new LinkedHashMap<>();
        for (int j = 0; j < ids.length; j++) {
            List<String> nearest = List.copyOf(ordered.get(j).subList(0, Math.min(perSegment, n)));
            Map<String, Integer> counts = classCounts.get(j);
            Map<String, Double> weight = new HashMap<>();
            int total = classTotal[j];
            counts.forEach((t, c) -> weight.put(t, (double) c / total * Math.log(1 + meanTerms / overall.get(t))));
            Map<String, Integer> first = firstSeen.get(j);
            List<String> ranked = new ArrayList<>(weight.keySet());
            ranked.sort(Comparator.<String>comparingDouble(t -> -weight.get(t)).thenComparingInt(first::get));
            List<String> terms = List.copyOf(ranked.subList(0, Math.min(TERMS, ranked.size())));
            String label = terms.isEmpty() ? label(ids[j], nearest, labelWords)
                    : "segment " + ids[j] + ": " + String.join(", ", terms.subList(0, Math.min(labelWords,
                            terms.size())));
            out.put(ids[j], new Description(nearest, label, terms));
        }
        return out;
    }

    /** The significant words of a text, in order, each once. */
    static List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String token : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
            if (token.length() >= 3 && !STOP_WORDS.contains(token) && seen.add(token)) {
                out.add(token);
            }
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

package io.shoal.segmentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * External transitions between two segmentations of the same points, after MONIC (Spiliopoulou, Ntoutsi, Theodoridis
 * and Schult, "MONIC: modeling and monitoring cluster transitions", KDD 2006): which old segments survived, were
 * split or merged, which died and which new segments were born.
 *
 * <p>Glossary:
 * <ul>
 * <li>X, X': old segments; Y, Y_i: new segments; |X| the number of counted points of X.</li>
 * <li>Counted point: a sample point with both an old and a new id. A point whose old or new id is {@link #NONE}
 * (it arrived or left between the two segmentations) is ignored, as MONIC's ageing weight gives expired points weight
 * 0; it still makes its segment exist if that segment is listed.</li>
 * <li>overlap(X, Y) = |X ∩ Y| / |X|: the share of X's counted points that are in Y (not symmetric).</li>
 * <li>τ ({@code survival}): the share that makes Y the continuation of X. τ_s ({@code split}): the share each part
 * of a split must hold. 0 &lt; τ_s ≤ τ ≤ 1.</li>
 * <li>match(X): the Y with the largest overlap(X, Y), provided that overlap is ≥ τ and no other new segment has the
 * same overlap; otherwise X has no match.</li>
 * </ul>
 *
 * <p>Rule, checked per old segment in this order (survival before split, as in MONIC), so that every old segment
 * gets exactly one of SURVIVED, MERGED, SPLIT or DIED:
 * <ol>
 * <li>X has a match Y, and Y is the match of no other X': X SURVIVED as Y.</li>
 * <li>X has a match Y, and Y is also the match of other old segments: X_1..X_p (p ≥ 2, all whose match is Y) MERGED
 * into Y, one transition per Y.</li>
 * <li>X has no match; the parts Y_1..Y_p are all Y with overlap(X, Y_i) ≥ τ_s; if p ≥ 2 and Σ overlap(X, Y_i) ≥ τ,
 * X SPLIT into Y_1..Y_p.</li>
 * <li>Otherwise X DIED; an X without counted points always dies.</li>
 * </ol>
 * A new segment Y that is the target of no SURVIVED, MERGED or SPLIT was BORN (also when it has no points). A new
 * segment may be the target of a survival or merge and at the same time a part of another segment's split.
 *
 * <p>Where this refines the informal rule "X survives as Y when overlap(X, Y) ≥ τ and no other X' has
 * overlap(X', Y) ≥ τ": with τ &gt; 1/2 each X has at most one Y above τ and the two readings agree. With τ ≤ 1/2 an
 * X may exceed τ on several new segments; only its largest overlap counts, so X is never both survived and merged,
 * and a tie for the largest (e.g. 50/50 at τ = 0.5) leaves X without a match and is judged as a split. The other new
 * segments above τ are then born unless something else leads to them.
 *
 * <p>Boundary values: τ = 1 lets X survive (or merge) only when all its counted points stay together; τ_s = τ makes
 * every split part as strong as a survival, so with τ &gt; 1/2 no split is possible; a small τ_s lets small fragments
 * count as parts. The defaults are τ = 0.5 and τ_s = 0.2.
 *
 * <p>Output order: by {@link Kind} in declaration order, then by the from ids, then by the to ids, each list sorted
 * ascending, so equal inputs give equal lists whatever the order of the points and of the segment collections.
 */
public final class SegmentLineage {

    /** Marks a point without an old or without a new segment. */
    public static final long NONE = Long.MIN_VALUE;

    private static final double DEFAULT_SURVIVAL = 0.5;
    private static final double DEFAULT_SPLIT = 0.2;

    /** The kinds of transition, in output order. */
    public enum Kind {
        SURVIVED,
        SPLIT,
        MERGED,
        BORN,
        DIED
    }

    /**
     * One transition.
     *
     * @param from the old ids, ascending: one for SURVIVED, SPLIT and DIED, p ≥ 2 for MERGED, none for BORN
     * @param to the new ids, ascending: one for SURVIVED and MERGED, p ≥ 2 for SPLIT, none for DIED
     * @param overlaps overlap(from, to_j) per to for SURVIVED and SPLIT, overlap(from_i, to) per from for MERGED,
     *        empty for BORN and DIED
     */
    public record Transition(Kind kind, List<Long> from, List<Long> to, List<Double> overlaps) {

        public Transition {
            Objects.requireNonNull(kind, "kind must not be null");
            from = List.copyOf(Objects.requireNonNull(from, "from must not be null"));
            to = List.copyOf(Objects.requireNonNull(to, "to must not be null"));
            overlaps = List.copyOf(Objects.requireNonNull(overlaps, "overlaps must not be null"));
        }
    }

    private static final Comparator<List<Long>> IDS = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Long.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    private static final Comparator<Transition> ORDER = Comparator.comparing(Transition::kind)
            .thenComparing(Transition::from, IDS)
            .thenComparing(Transition::to, IDS);

    private final double survival;
    private final double split;

    /**
     * @param survival τ, in (0, 1]
     * @param split τ_s, in (0, survival]
     */
    public SegmentLineage(double survival, double split) {
        if (!(survival > 0 && survival <= 1)) {
            throw new IllegalArgumentException("survival must be in (0, 1] but was " + survival);
        }
        if (!(split > 0 && split <= survival)) {
            throw new IllegalArgumentException("split must be in (0, survival] = (0, " + survival + "] but was "
                    + split);
        }
        this.survival = survival;
        this.split = split;
    }

    /** τ = 0.5, τ_s = 0.2. */
    public static SegmentLineage defaults() {
        return new SegmentLineage(DEFAULT_SURVIVAL, DEFAULT_SPLIT);
    }

    /** τ. */
    public double survival() {
        return survival;
    }

    /** τ_s. */
    public double split() {
        return split;
    }

    /**
     * The transitions from the old segmentation to the new one.
     *
     * @param oldIds per sample point, its old segment id or {@link #NONE}
     * @param newIds per sample point (same length and order), its new segment id or {@link #NONE}
     * @param oldSegments every old segment id that exists, with or without points; must contain every id of
     *        {@code oldIds} other than {@link #NONE}
     * @param newSegments every new segment id that exists, likewise for {@code newIds}
     */
    public List<Transition> transitions(long[] oldIds, long[] newIds, Collection<Long> oldSegments,
            Collection<Long> newSegments) {
        if (oldIds == null || newIds == null || oldIds.length != newIds.length) {
            throw new IllegalArgumentException("oldIds and newIds must have the same length but had "
                    + (oldIds == null ? "null" : oldIds.length) + " and " + (newIds == null ? "null" : newIds.length));
        }
        long[] olds = sortedDistinct(oldSegments, "oldSegments");
        long[] news = sortedDistinct(newSegments, "newSegments");
        Map<Long, Integer> oldIndex = indexOf(olds);
        Map<Long, Integer> newIndex = indexOf(news);

        int[] size = new int[olds.length];
        List<TreeMap<Integer, Integer>> shared = new ArrayList<>(olds.length);
        for (int x = 0; x < olds.length; x++) {
            shared.add(new TreeMap<>());
        }
        for (int p = 0; p < oldIds.length; p++) {
            Integer x = lookup(oldIndex, oldIds, p, "oldIds", "oldSegments");
            Integer y = lookup(newIndex, newIds, p, "newIds", "newSegments");
            if (x != null && y != null) {
                size[x]++;
                shared.get(x).merge(y, 1, Integer::sum);
            }
        }

        List<Transition> out = new ArrayList<>();
        boolean[] targeted = new boolean[news.length];
        int[] match = new int[olds.length];
        Arrays.fill(match, -1);
        for (int x = 0; x < olds.length; x++) {
            if (size[x] == 0) {
                out.add(new Transition(Kind.DIED, List.of(olds[x]), List.of(), List.of()));
                continue;
            }
            match[x] = match(shared.get(x), size[x]);
            if (match[x] >= 0) {
                continue;
            }
            List<Long> parts = new ArrayList<>();
            List<Double> overlaps = new ArrayList<>();
            int inParts = 0;
            for (Map.Entry<Integer, Integer> e : shared.get(x).entrySet()) {
                double overlap = (double) e.getValue() / size[x];
                if (overlap >= split) {
                    parts.add(news[e.getKey()]);
                    overlaps.add(overlap);
                    inParts += e.getValue();
                }
            }
            if (parts.size() >= 2 && (double) inParts / size[x] >= survival) {
                out.add(new Transition(Kind.SPLIT, List.of(olds[x]), parts, overlaps));
                for (Long y : parts) {
                    targeted[newIndex.get(y)] = true;
                }
            } else {
                out.add(new Transition(Kind.DIED, List.of(olds[x]), List.of(), List.of()));
            }
        }

        List<List<Integer>> sources = new ArrayList<>(news.length);
        for (int y = 0; y < news.length; y++) {
            sources.add(new ArrayList<>());
        }
        for (int x = 0; x < olds.length; x++) {
            if (match[x] >= 0) {
                sources.get(match[x]).add(x);
            }
        }
        for (int y = 0; y < news.length; y++) {
            List<Integer> from = sources.get(y);
            if (from.isEmpty()) {
                continue;
            }
            targeted[y] = true;
            List<Long> fromIds = new ArrayList<>();
            List<Double> overlaps = new ArrayList<>();
            for (int x : from) {
                fromIds.add(olds[x]);
                overlaps.add((double) shared.get(x).get(y) / size[x]);
            }
            Kind kind = from.size() == 1 ? Kind.SURVIVED : Kind.MERGED;
            out.add(new Transition(kind, fromIds, List.of(news[y]), overlaps));
        }
        for (int y = 0; y < news.length; y++) {
            if (!targeted[y]) {
                out.add(new Transition(Kind.BORN, List.of(), List.of(news[y]), List.of()));
            }
        }
        out.sort(ORDER);
        return List.copyOf(out);
    }

    /** The index of X's match, or -1: the unique largest overlap, if it reaches τ. */
    private int match(TreeMap<Integer, Integer> shared, int size) {
        int best = -1;
        int bestCount = 0;
        boolean tied = false;
        for (Map.Entry<Integer, Integer> e : shared.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
                tied = false;
            } else if (e.getValue() == bestCount) {
                tied = true;
            }
        }
        return !tied && (double) bestCount / size >= survival ? best : -1;
    }

    private static Integer lookup(Map<Long, Integer> index, long[] ids, int p, String name, String segments) {
        long id = ids[p];
        if (id == NONE) {
            return null;
        }
        Integer i = index.get(id);
        if (i == null) {
            throw new IllegalArgumentException(name + "[" + p + "] = " + id + " is not in " + segments);
        }
        return i;
    }

    private static long[] sortedDistinct(Collection<Long> ids, String name) {
        if (ids == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        long[] out = new long[ids.size()];
        int k = 0;
        for (Long id : ids) {
            if (id == null) {
                throw new IllegalArgumentException(name + " must not contain null");
            }
            if (id == NONE) {
                throw new IllegalArgumentException(name + " must not contain NONE (" + NONE + ")");
            }
            out[k++] = id;
        }
        return Arrays.stream(out).sorted().distinct().toArray();
    }

    private static Map<Long, Integer> indexOf(long[] ids) {
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            index.put(ids[i], i);
        }
        return index;
    }
}

package io.shoal.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits one batch of tokenised texts into sub-batches of similar length, so that a short title is not padded to
 * the longest text of its batch.
 * <p>
 * A BERT encoder runs on a (b, t) matrix: every row is padded to the longest text t, and the padded positions cost
 * as much as real ones (attention a little more). Shop titles are short but uneven (Online Retail: 5 to 30 tokens in
 * one batch), so one padded call spends most of its work on padding. The rule:
 * <ol>
 * <li>order the texts by token count, shortest first (ties keep their input order);</li>
 * <li>walk that order and close the current sub-batch before a text when it already holds {@code maxTexts}
 * texts, or when it holds at least {@code minTexts} and taking the text (the longest so far, L) would make its
 * padded size n·L exceed {@code (1 + maxPadding)} times its real tokens.</li>
 * </ol>
 * {@code minTexts} keeps the per-call overhead from eating the gain (a call of one text is the slowest per text);
 * {@code maxTexts} bounds a call's memory. Each sub-batch's output rows are the same vectors the whole batch would
 * give (padded positions are masked out of attention and pooling), up to float rounding.
 */
public final class LengthBuckets {

    /** The defaults measured on Online Retail titles with MiniLM on CPU (BENCHMARKS.md, Embedding). */
    public static final LengthBuckets DEFAULT = new LengthBuckets(8, 64, 0.25);

    /**
     * A GPU runs wide batches at little extra cost and pays a launch overhead per call, so its sub-batches are larger
     * (64 to 1,024 texts). Not measured yet: no GPU machine was available (BENCHMARKS.md, Embedding).
     */
    public static final LengthBuckets GPU = new LengthBuckets(64, 1024, 0.25);

    /** No splitting: the whole batch in one call, padded to its longest text. */
    public static final LengthBuckets NONE = new LengthBuckets(Integer.MAX_VALUE, Integer.MAX_VALUE, 0);

    /** The rule for a device: {@link #GPU} on a GPU, {@link #DEFAULT} on the CPU. */
    public static LengthBuckets forDevice(boolean gpu) {
        return gpu ? GPU : DEFAULT;
    }

    private final int minTexts;
    private final int maxTexts;
    private final double maxPadding;

    /**
     * @param minTexts   a sub-batch is never closed for padding before it holds this many texts; &ge; 1
     * @param maxTexts   most texts in one sub-batch; &ge; minTexts
     * @param maxPadding allowed padded share above the real tokens, e.g. 0.25 = at most 25% padding; &ge; 0
     */
    public LengthBuckets(int minTexts, int maxTexts, double maxPadding) {
        if (minTexts < 1 || maxTexts < minTexts) {
            throw new IllegalArgumentException("need 1 <= minTexts <= maxTexts but got " + minTexts + ", " + maxTexts);
        }
        if (!(maxPadding >= 0) || Double.isInfinite(maxPadding)) {
            throw new IllegalArgumentException("maxPadding must be a finite number >= 0 but was " + maxPadding);
        }
        this.minTexts = minTexts;
        this.maxTexts = maxTexts;
        this.maxPadding = maxPadding;
    }

    /**
     * @param lengths token count of each text of the batch, in input order
     * @return the sub-batches as indices into {@code lengths}, each in ascending length; together every index once
     */
    public List<int[]> split(int[] lengths) {
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> lengths[i])); // stable: ties keep input order
        List<int[]> out = new ArrayList<>();
        int start = 0;
        long real = 0;
        for (int p = 0; p < order.length; p++) {
            int n = p - start;
            long len = lengths[order[p]];
            boolean full = n == maxTexts;
            boolean padded = n >= minTexts && (n + 1) * len > (1 + maxPadding) * (real + len);
            if (n > 0 && (full || padded)) {
                out.add(slice(order, start, p));
                start = p;
                real = 0;
            }
            real += len;
        }
        if (start < order.length) {
            out.add(slice(order, start, order.length));
        }
        return out;
    }

    private static int[] slice(Integer[] order, int from, int to) {
        int[] s = new int[to - from];
        for (int i = from; i < to; i++) {
            s[i - from] = order[i];
        }
        return s;
    }

    /** Padded tokens over real tokens when each sub-batch is padded to its longest (1 = no padding). */
    public static double paddedRatio(int[] lengths, List<int[]> subBatches) {
        long real = 0;
        long padded = 0;
        for (int[] s : subBatches) {
            int max = 0;
            for (int i : s) {
                real += lengths[i];
                max = Math.max(max, lengths[i]);
            }
            padded += (long) max * s.length;
        }
        return real == 0 ? 1 : (double) padded / real;
    }
}

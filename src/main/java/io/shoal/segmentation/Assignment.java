package io.shoal.segmentation;

/**
 * The nearest segment of one profile and how clear-cut that choice is.
 *
 * @param segment slot of the most similar centroid
 * @param similarity cosine similarity to that centroid
 * @param runnerUp slot of the second most similar centroid, or -1 when k = 1
 * @param runnerUpSimilarity its cosine similarity, or -1 (the lowest possible cosine) when k = 1
 */
public record Assignment(int segment, double similarity, int runnerUp, double runnerUpSimilarity) {

    /** similarity - runnerUpSimilarity; ≥ 0. Small margins mark profiles on a segment border. */
    public double margin() {
        return similarity - runnerUpSimilarity;
    }
}

package io.shoal.query;

/** GMM only: the posterior probability that a user belongs to a segment. */
public record SoftMembership(long segmentId, double probability) {
}

package io.shoal.query;

/**
 * A segment's label, as {@code PUT /v1/segments/{segmentId}/label} takes and answers it.
 *
 * @param segmentId the segment (ignored in a request: the path names it)
 * @param label     the name (1..80 characters, no control characters); in an answer, the label now in force
 * @param named     in an answer, whether the label is a name a person gave (false: derived from the texts)
 */
public record SegmentLabel(Long segmentId, String label, Boolean named) {
}

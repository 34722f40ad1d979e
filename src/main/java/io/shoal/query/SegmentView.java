package io.shoal.query;

import java.time.Instant;
import java.util.List;

/**
 * One segment as ListSegments / {@code GET /v1/segments} return it.
 *
 * @param segmentId   the segment
 * @param label       readable label derived from the description
 * @param size        members now
 * @param weight      decayed weight n_k in the model (0 once retired)
 * @param created     when the segment was created (null if unknown)
 * @param retired     when it was retired (null while live)
 * @param description item texts nearest to the centroid among texts seen recently, nearest first
 * @param terms       distinctive terms of the segment's recent texts against all (class-based TF-IDF)
 * @param named       whether the label was given by a person ({@code PUT /v1/segments/{id}/label})
 */
public record SegmentView(long segmentId, String label, long size, double weight, Instant created,
        Instant retired, List<String> description, List<String> terms, boolean named) {
}

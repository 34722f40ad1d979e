package io.shoal.segmentation;

/**
 * A change of segment identity made by {@link SegmentRescue}, for the caller to record (audit history, metrics,
 * moving the users of a retired segment).
 *
 * <ul>
 * <li>{@code RETIRED}: the segment {@code segmentId} in slot {@code segmentIndex} was dropped; {@code otherIndex}
 * = -1, {@code otherSegmentId} = -1, {@code weight} = its weight when dropped.</li>
 * <li>{@code CREATED}: the new segment {@code segmentId} now lives in slot {@code segmentIndex}; {@code otherIndex}
 * / {@code otherSegmentId} name the segment it was split from, or -1 when it was seeded from the worst-served
 * profile; {@code weight} = its starting weight.</li>
 * <li>{@code SPLIT}: the segment {@code segmentId} in slot {@code segmentIndex} gave part of its members and weight
 * to the new segment in slot {@code otherIndex} (id {@code otherSegmentId}); it keeps its id; {@code weight} = the
 * weight it kept.</li>
 * </ul>
 *
 * @param version the version of the state the event produced
 */
public record SegmentLifecycleEvent(Kind kind, int segmentIndex, long segmentId, int otherIndex, long otherSegmentId,
        double weight, long version) {

    public enum Kind {
        RETIRED,
        CREATED,
        SPLIT
    }
}

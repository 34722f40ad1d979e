package io.shoal.query;

import java.util.List;

/** The segments, read under one model version. */
public record SegmentListing(long modelVersion, List<SegmentView> segments) {
}

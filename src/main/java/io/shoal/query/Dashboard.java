package io.shoal.query;

import java.time.Instant;
import java.util.List;

/** What the dashboard's charts read ({@code /v1/dashboard/*}); each chart one call. */
public final class Dashboard {

    private Dashboard() {
    }

    /**
     * The segment map: centroids and a sample of shoppers projected on the two principal axes of both together.
     *
     * @param firstShare  share of the variance the x axis carries
     * @param secondShare share of the variance the y axis carries
     */
    public record SegmentMap(long modelVersion, double firstShare, double secondShare, List<MapSegment> segments,
            List<MapShopper> shoppers) {
    }

    /** A segment on the map, with its label and the texts nearest to it (for the hover). */
    public record MapSegment(long segmentId, String label, long size, double x, double y, List<String> topTexts) {
    }

    /** A sampled shopper on the map (segmentId null before the first assignment). */
    public record MapShopper(String userId, Long segmentId, double x, double y) {
    }

    /**
     * Members per segment at the end of each time bucket, from the audit trail (event time).
     *
     * @param ends the end of each bucket
     */
    public record SegmentSizes(Instant from, Instant to, List<Instant> ends, List<SizeSeries> series) {
    }

    /** One segment's members at the end of each bucket. */
    public record SizeSeries(long segmentId, String label, List<Long> sizes) {
    }

    /** Moves between segments within a window, most shoppers first. */
    public record SegmentFlows(Instant from, Instant to, List<FlowRow> flows) {
    }

    public record FlowRow(long fromSegment, String fromLabel, long toSegment, String toLabel, long shoppers) {
    }

    /** The lineage timeline: lifecycle events, oldest first. */
    public record Lineage(List<LineageEvent> events) {
    }

    /**
     * @param kind  created, born, survived, split, merged, died, retired
     * @param other the segment on the other side of a split or merge, null otherwise
     */
    public record LineageEvent(long segmentId, String label, String kind, Long other, Instant at, Double weight,
            long modelVersion) {
    }
}

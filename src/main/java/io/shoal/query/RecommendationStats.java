package io.shoal.query;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Feedback on recommendations per segment and strategy, since the state began: what the A/B split measures.
 *
 * @param rows one per (segment, strategy) with feedback, by segment then strategy
 */
@Schema(name = "RecommendationStats")
public record RecommendationStats(List<Row> rows) {

    /**
     * @param segmentId      the shoppers' segment when the feedback came; null: shoppers without one
     * @param segmentLabel   its label now, null without a segment
     * @param strategy       the strategy of the lists
     * @param impressions    items shown
     * @param clicks         items clicked
     * @param conversions    items bought within the conversion window after being shown or clicked
     * @param ctr            clicks / impressions; null without impressions
     * @param conversionRate conversions / impressions; null without impressions
     */
    @Schema(name = "RecommendationStatsRow")
    public record Row(Long segmentId, String segmentLabel, String strategy, long impressions, long clicks,
            long conversions, Double ctr, Double conversionRate) {
    }
}

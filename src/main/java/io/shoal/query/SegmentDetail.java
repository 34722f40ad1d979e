package io.shoal.query;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One segment as {@code GET /v1/segments} lists it, with the feedback on the recommendations its shoppers were shown.
 *
 * @param modelVersion    the model version the segment was read under
 * @param segment         the segment (live, or recently retired: then {@code retired} is set)
 * @param recommendations per strategy: impressions, clicks, conversions, CTR and conversion rate of the shoppers who
 *                        were in this segment when the feedback came (the rows of {@code GET
 *                        /v1/recommendations/stats?segmentId=}); empty before any feedback
 */
@Schema(name = "SegmentDetail")
public record SegmentDetail(long modelVersion, SegmentView segment, List<RecommendationStats.Row> recommendations) {
}

package io.shoal.query;

import jakarta.annotation.security.RolesAllowed;
import io.shoal.security.Roles;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.shoal.event.SegmentChangeEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** REST mirrors of the gRPC {@code shoal.v1.SegmentService}, same answers and limits. */
@RolesAllowed(Roles.SEGMENTS_READ)
@Path("/v1")
@Tag(name = "Segments")
@Produces(MediaType.APPLICATION_JSON)
public class SegmentResource {

    private final SegmentQueries queries;
    private final RecommendationQueries recommendations;
    private final SegmentChangeBroadcaster broadcaster;
    private final ExplanationQueries explanations;

    public SegmentResource(SegmentQueries queries, RecommendationQueries recommendations,
            SegmentChangeBroadcaster broadcaster, ExplanationQueries explanations) {
        this.queries = queries;
        this.recommendations = recommendations;
        this.broadcaster = broadcaster;
        this.explanations = explanations;
    }

    @PUT
    @Path("/segments/{segmentId}/label")
    @RolesAllowed(Roles.SEGMENTS_WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Name a segment", description = "Replaces the derived label with a name a marketer gives "
            + "(body {\"label\": \"new parents\"}). The name is kept by segment id, so it survives refits, which "
            + "match new segments to the old ids, and is shown wherever the label is: queries, recommendations' "
            + "reasons, Kafka segment changes, the dashboard.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SegmentLabel.class)))
    @APIResponse(responseCode = "400", description = "segmentId not an integer; label missing, empty, longer than "
            + "80 characters or with control characters", content = @Content(schema = @Schema(
                    implementation = QueryError.class)))
    @APIResponse(responseCode = "404", description = "No live segment has this id",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<SegmentLabel> rename(@RestPath String segmentId, SegmentLabel body) {
        try {
            long id = QueryExceptionMappers.segmentId("segmentId", segmentId);
            if (body == null || body.label() == null) {
                throw new InvalidQueryException("label", "label is required: {\"label\": \"a name\"}");
            }
            return queries.rename(id, body.label());
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
    }

    @DELETE
    @Path("/segments/{segmentId}/label")
    @RolesAllowed(Roles.SEGMENTS_WRITE)
    @Operation(summary = "Forget a segment's name", description = "The segment is labelled by its texts again.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SegmentLabel.class)))
    @APIResponse(responseCode = "404", description = "No live segment has this id",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<SegmentLabel> unname(@RestPath String segmentId) {
        try {
            return queries.rename(QueryExceptionMappers.segmentId("segmentId", segmentId), null);
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
    }

    @GET
    @Path("/users/{userId}/explanation")
    @Operation(summary = "Why a shopper is in their segment", description = "Similarity of the shopper's profile "
            + "to the segment and to the runner-up, and the margin; the shopper's items that pull most toward the "
            + "segment (contribution = the item's decayed weight × its similarity to the centroid); the last move "
            + "with its reason, its cause (behaviour, refit, rescue, seeded, retired, identity-merge) and the "
            + "shopper's interactions between the previous decision and it.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Explanation.class)))
    @APIResponse(responseCode = "400", description = "Bad userId; the parameter is named",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    @APIResponse(responseCode = "404", description = "Unknown shopper, or no profile or segment yet",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<Explanation> explanation(@RestPath String userId) {
        return explanations.explain(userId);
    }

    @GET
    @Path("/recommendations/stats")
    @Operation(summary = "Feedback on recommendations", description = "Per segment and strategy: impressions, "
            + "clicks, conversions (a purchase of an item shown or clicked within the conversion window), CTR and "
            + "conversion rate, from the impression, click and purchase events the pipeline applied. With segmentId, "
            + "one segment's rows.")
    @APIResponse(responseCode = "200",
            content = @Content(schema = @Schema(implementation = RecommendationStats.class)))
    @APIResponse(responseCode = "400", description = "segmentId is not an integer",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<RecommendationStats> recommendationStats(
            @Parameter(description = "only this segment's rows") @RestQuery String segmentId) {
        Long segment;
        try {
            segment = segmentId == null || segmentId.isEmpty() ? null
                    : QueryExceptionMappers.segmentId("segmentId", segmentId);
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        return recommendations.stats(segment);
    }

    @GET
    @Path("/users/{userId}/recommendations")
    @Operation(summary = "Recommendations for a shopper, each with a reason", description = "Ranked items (item id, "
            + "text, score, a reason a person can read), the strategy used, the shopper's segment and a "
            + "recommendationId to send back with impression and click events. blended (the default, unless the "
            + "A/B split says otherwise) weighs the shopper's own items by how often they are bought again against "
            + "what the shopper's segment buys; segment, personal and global are the single sources. A shopper "
            + "Shoal does not know gets the global list with a cold-start reason. One Redis round trip.")
    @APIResponse(responseCode = "200",
            content = @Content(schema = @Schema(implementation = RecommendationList.class)))
    @APIResponse(responseCode = "400", description = "Bad userId, strategy, limit or excludeRecent; the parameter "
            + "is named", content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<RecommendationList> recommendations(@RestPath String userId,
            @Parameter(description = "blended, segment, personal or global; default: the shopper's by the A/B split")
            @RestQuery String strategy,
            @Parameter(description = "items, 1..100 (default 10)") @RestQuery String limit,
            @Parameter(description = "true: leave out items the shopper bought within the just-bought window "
                    + "(default 1 day)") @RestQuery String excludeRecent) {
        Integer n;
        boolean exclude;
        try {
            n = limit == null || limit.isEmpty() ? null : QueryExceptionMappers.integer("limit", limit);
            exclude = parseBoolean("excludeRecent", excludeRecent);
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        return recommendations.recommend(userId, strategy, n, exclude);
    }

    @GET
    @Path("/users/{userId}/segment")
    @Operation(summary = "A user's current segment", description = "Segment id and label, distance to the centroid "
            + "and margin over the runner-up at the last decision, since when, under which model version; with the "
            + "GMM also the top 3 soft memberships. One Redis round trip.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Assignment.class)))
    @APIResponse(responseCode = "400", description = "userId longer than 128 characters",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    @APIResponse(responseCode = "404", description = "Unknown user, or not assigned to a segment yet",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<Assignment> userSegment(@RestPath String userId) {
        return queries.user(userId);
    }

    @GET
    @Path("/segments")
    @Operation(summary = "The segments", description = "Per segment: id, label, members now, weight, created and "
            + "retired instants, and a description: the item texts nearest to its centroid among texts seen "
            + "recently. Live segments largest first, then (with includeRetired) the most recently retired ones.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SegmentListing.class)))
    @APIResponse(responseCode = "400", description = "includeRetired is not true or false",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<SegmentListing> segments(
            @Parameter(description = "also list recently retired segments") @RestQuery String includeRetired) {
        return queries.segments(parseBoolean("includeRetired", includeRetired));
    }

    @GET
    @Path("/segments/{segmentId}")
    @Operation(summary = "One segment", description = "The segment as GET /v1/segments lists it (live, or recently "
            + "retired), with the feedback on the recommendations its shoppers were shown, per strategy: "
            + "impressions, clicks, conversions, CTR and conversion rate (as GET /v1/recommendations/stats?segmentId=).")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SegmentDetail.class)))
    @APIResponse(responseCode = "400", description = "segmentId is not an integer",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    @APIResponse(responseCode = "404", description = "No live or recently retired segment has this id",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<SegmentDetail> segment(@RestPath String segmentId) {
        long id;
        try {
            id = QueryExceptionMappers.segmentId("segmentId", segmentId);
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        return recommendations.segment(id);
    }

    @GET
    @Path("/users/{userId}/history")
    @Operation(summary = "A user's segment changes", description = "From the audit trail, newest first, paged. "
            + "With asOf, also the segment the user was in at that instant and the model version that placed the "
            + "user there (inForce; null if the user had no segment then). hasMore is true when the page is full.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = UserHistoryPage.class)))
    @APIResponse(responseCode = "400", description = "Bad userId, asOf, page or size; the parameter is named",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Uni<UserHistoryPage> history(@RestPath String userId,
            @Parameter(description = "ISO-8601 instant, e.g. 2026-11-28T10:15:30Z") @RestQuery String asOf,
            @Parameter(description = "zero-based page, default 0") @RestQuery String page,
            @Parameter(description = "changes per page, 1..500, default 50") @RestQuery String size) {
        return queries.history(userId, QueryExceptionMappers.instant("asOf", asOf),
                page == null ? 0 : QueryExceptionMappers.integer("page", page),
                size == null ? null : QueryExceptionMappers.integer("size", size));
    }

    @GET
    @Path("/segment-changes")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live segment changes (Server-Sent Events)", description = "One JSON event per user "
            + "entering or exiting a segment, from the moment of connection. A client that falls more than "
            + "shoal.query.watcher-buffer events behind is disconnected (and counted) instead of slowing the "
            + "pipeline.")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
            schema = @Schema(implementation = SegmentChangeEvent.class)))
    @APIResponse(responseCode = "400", description = "A segment is not an integer",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    public Multi<SegmentChangeEvent> changes(
            @Parameter(description = "only these segments (repeatable); all when absent") @RestQuery List<String> segment) {
        Set<Long> ids = new HashSet<>();
        for (String s : segment == null ? List.<String>of() : segment) {
            ids.add(QueryExceptionMappers.segmentId("segment", s));
        }
        return broadcaster.watch(ids);
    }

    @ServerExceptionMapper(SegmentChangeBroadcaster.WatchLimitException.class)
    public Response watchLimit(SegmentChangeBroadcaster.WatchLimitException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .header("Retry-After", 5).entity(new QueryError(null, e.getMessage())).build();
    }

    private static boolean parseBoolean(String name, String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return Boolean.parseBoolean(value.toLowerCase());
        }
        throw new InvalidQueryException(name, name + " must be true or false but was '" + value + "'");
    }
}

package io.shoal.query;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.shoal.security.Roles;
import io.shoal.segmenting.SegmentModelManager;
import io.smallrye.mutiny.Uni;

/** Segments seeded from examples: a marketer's known group, kept as a segment across refits. */
@Path("/v1")
@Tag(name = "Segments")
@Produces(MediaType.APPLICATION_JSON)
public class SeededSegmentResource {

    private final SeededSegmentQueries seeded;

    public SeededSegmentResource(SeededSegmentQueries seeded) {
        this.seeded = seeded;
    }

    @POST
    @Path("/segments/seeded")
    @RolesAllowed(Roles.SEGMENTS_WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Seed a segment from examples", description = "Body {\"label\": \"new parents\", \"texts\": "
            + "[\"baby wipes\", \"nappies size 3\"], \"userIds\": [...]}: example item texts and/or shoppers. A new "
            + "segment is added at the examples' mean direction beside the learned ones, every shopper is decided "
            + "again (moves audited as seeded_segment), and refits hold it at its examples from then on (seeded "
            + "k-means). Answers the segment with its members and the precision/recall of the examples.")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = SeededSegment.class)))
    @APIResponse(responseCode = "400", description = "A missing or bad field, named (label, texts[i], userIds[i])",
            content = @Content(schema = @Schema(implementation = QueryError.class)))
    @APIResponse(responseCode = "409", description = "No model yet")
    @APIResponse(responseCode = "503", description = "A refit is running or the model changed meanwhile; retry")
    public Uni<Response> seed(SeededSegment.Request request) {
        return seeded.seed(request).map(s -> Response.status(Response.Status.CREATED).entity(s).build());
    }

    @GET
    @Path("/segments/seeded")
    @RolesAllowed(Roles.SEGMENTS_READ)
    @Operation(summary = "The seeded segments", description = "Each with its examples, members now, and how its "
            + "examples fall on the model: kept (nearest to it), recall = kept / examples, precision = its share of "
            + "all seeds' examples nearest to it.")
    public Uni<List<SeededSegment>> list() {
        return seeded.list();
    }

    @DELETE
    @Path("/segments/seeded/{segmentId}")
    @RolesAllowed(Roles.SEGMENTS_WRITE)
    @Operation(summary = "Stop holding a seeded segment", description = "The segment stays (with its name) and "
            + "learns like any other; refits no longer hold it at its examples.")
    @APIResponse(responseCode = "204")
    @APIResponse(responseCode = "404", description = "No seeded segment has this id")
    public Uni<Response> unpin(@RestPath String segmentId) {
        try {
            return seeded.unpin(QueryExceptionMappers.segmentId("segmentId", segmentId))
                    .map(v -> Response.noContent().build());
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
    }

    @ServerExceptionMapper(SegmentModelManager.SeedingRefused.class)
    public Response refused(SegmentModelManager.SeedingRefused e) {
        Response.ResponseBuilder b = Response.status(e.retry() ? Response.Status.SERVICE_UNAVAILABLE
                : Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON).entity(new QueryError(null,
                        e.getMessage()));
        return e.retry() ? b.header("Retry-After", 5).build() : b.build();
    }
}

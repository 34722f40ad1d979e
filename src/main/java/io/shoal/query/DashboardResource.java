package io.shoal.query;


import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import io.shoal.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * The data behind the dashboard page ({@code /dashboard/}); the page itself is static and holds no data, these calls
 * need the read role.
 */
@RolesAllowed(Roles.SEGMENTS_READ)
@Path("/v1/dashboard")
@Tag(name = "Dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {

    private final DashboardQueries queries;

    public DashboardResource(DashboardQueries queries) {
        this.queries = queries;
    }

    @GET
    @Path("/map")
    @Operation(summary = "Segment map", description = "Centroids and a sample of shoppers (up to 400) on the two "
            + "principal axes of both, with the share of the variance each axis carries.")
    public Uni<Dashboard.SegmentMap> map() {
        return queries.map();
    }

    @GET
    @Path("/sizes")
    @Operation(summary = "Segment sizes over time", description = "Members per segment at the end of each time "
            + "bucket, from the audit trail (event time); default window: the trail's span.")
    public Uni<Dashboard.SegmentSizes> sizes(
            @Parameter(description = "ISO-8601 instant; default the first change") @RestQuery String from,
            @Parameter(description = "ISO-8601 instant; default the last change") @RestQuery String to,
            @Parameter(description = "1..200, default 40") @RestQuery String buckets) {
        try {
            return queries.sizes(QueryExceptionMappers.instant("from", from), QueryExceptionMappers.instant("to", to),
                    buckets == null || buckets.isEmpty() ? null : QueryExceptionMappers.integer("buckets", buckets));
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
    }

    @GET
    @Path("/flows")
    @Operation(summary = "Flows between segments", description = "Shoppers who moved from one segment to another "
            + "within the window (event time), most first; default window: the trail's span.")
    public Uni<Dashboard.SegmentFlows> flows(
            @Parameter(description = "ISO-8601 instant") @RestQuery String from,
            @Parameter(description = "ISO-8601 instant") @RestQuery String to) {
        try {
            return queries.flows(QueryExceptionMappers.instant("from", from), QueryExceptionMappers.instant("to", to));
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
    }

    @GET
    @Path("/lineage")
    @Operation(summary = "Segment lineage", description = "Lifecycle events (created, born, split, merged, died, "
            + "retired) with the wall-clock time they were recorded, oldest first, the newest 500.")
    public Uni<Dashboard.Lineage> lineage() {
        return queries.lineage();
    }
}

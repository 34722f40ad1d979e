package io.shoal.segmenting;

import jakarta.annotation.security.RolesAllowed;
import io.shoal.security.Roles;
import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.shoal.config.RoleConfig;
import io.shoal.store.SegmentStore;
import io.smallrye.mutiny.Uni;

/** Operations on the segment model (docs/operations.md). */
@RolesAllowed(Roles.ADMIN)
@Path("/v1/model")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    private final SegmentModelManager manager;
    private final SegmentStore store;
    private final RoleConfig.Role role;

    public ModelResource(SegmentModelManager manager, SegmentStore store, RoleConfig roles) {
        this.manager = manager;
        this.store = store;
        this.role = roles.role();
    }

    @POST
    @Path("/refit")
    @Operation(summary = "Refit the segments to the batch optimum now",
            description = "Starts a refit in the background, as the growth and age triggers do: the fit competes with "
                    + "fresh restarts, ids are kept by matching, the model is swapped atomically and every shopper is "
                    + "re-decided by a sweep. Watch shoal_segmentation_refit_running and "
                    + "shoal_segmentation_swaps_total{trigger=\"manual\"}.")
    @APIResponse(responseCode = "202", description = "Started")
    @APIResponse(responseCode = "409", description = "No model yet, or a seed, refit or check is already running")
    @APIResponse(responseCode = "503", description = "This process does not run the model (the ingest role)")
    public Uni<Response> refit() {
        if (role == RoleConfig.Role.INGEST) {
            return Uni.createFrom().item(answer(503, "this process is an ingest pod; send this to a worker"));
        }
        return store.model().map(model -> {
            if (model == null) {
                return answer(409, "no model yet: it is seeded once enough shoppers have profiles");
            }
            if (!manager.refitNow()) {
                return answer(409, "a seed, refit or drift check is already running in this process");
            }
            return Response.accepted(Map.of("status", "started", "generation", model.generation(),
                    "watch", "shoal_segmentation_refit_running, shoal_segmentation_swaps_total{trigger=\"manual\"}"))
                    .build();
        });
    }

    private static Response answer(int status, String error) {
        return Response.status(status).entity(Map.of("error", error)).build();
    }
}

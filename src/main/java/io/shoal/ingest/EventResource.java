package io.shoal.ingest;

import jakarta.annotation.security.RolesAllowed;
import io.shoal.security.Roles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.config.IngestConfig;
import io.smallrye.mutiny.Uni;

/** {@code POST /v1/events}: one event or an array of events, acknowledged as soon as they are queued. */
@RolesAllowed(Roles.EVENTS_WRITE)
@Path("/v1/events")
@Tag(name = "Ingestion")
public class EventResource {

    private final EventIngestor ingestor;
    private final ObjectMapper mapper;
    private final IngestConfig config;
    private final RequestBudget budget;

    public EventResource(EventIngestor ingestor, ObjectMapper mapper, IngestConfig config, RequestBudget budget) {
        this.ingestor = ingestor;
        this.mapper = mapper;
        this.config = config;
        this.budget = budget;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest behaviour events", description = "Accepts one event object or an array of events. "
            + "Valid events are accepted even when others in the same request are rejected.")
    @RequestBody(content = @Content(schema = @Schema(implementation = EventDocument.class)))
    @APIResponse(responseCode = "202", description = "Accepted (possibly with duplicates and rejected events)",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "Not JSON, wrong shape, or no valid event",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "413", description = "More events than allowed in one request")
    @APIResponse(responseCode = "503", description = "Saturated (the event log's backlog, or the request bytes being "
            + "worked on) or shutting down; see Retry-After")
    public Uni<Response> ingest(byte[] body) {
        return budget.within(body.length, () -> accept(body),
                message -> new ErrorResponse(message, config.retryAfterSeconds()));
    }

    private Uni<Response> accept(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            return badRequest("body must be JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return badRequest("body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return badRequest("body must be a JSON event object or an array of events, but was empty");
        }
        List<JsonNode> elements;
        if (root.isArray()) {
            if (root.size() > config.maxEventsPerRequest()) {
                return Uni.createFrom().item(Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE)
                        .entity(new ErrorResponse("a request may carry at most " + config.maxEventsPerRequest()
                                + " events but had " + root.size(), null))
                        .build());
            }
            if (root.isEmpty()) {
                return badRequest("the events array is empty");
            }
            elements = new ArrayList<>(root.size());
            root.forEach(elements::add);
        } else if (root.isObject()) {
            elements = List.of(root);
        } else {
            return badRequest("body must be a JSON event object or an array of events, but was "
                    + root.getNodeType().name().toLowerCase());
        }
        return ingestor.ingest(elements).map(this::toResponse);
    }

    private Response toResponse(EventIngestor.Outcome outcome) {
        if (outcome instanceof EventIngestor.Outcome.Saturated s) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header("Retry-After", config.retryAfterSeconds())
                    .entity(new ErrorResponse("nothing was accepted: " + s.reason(), config.retryAfterSeconds()))
                    .build();
        }
        IngestResponse r = ((EventIngestor.Outcome.Done) outcome).response();
        boolean nothingValid = r.accepted() == 0 && r.duplicates() == 0;
        return Response.status(nothingValid ? Response.Status.BAD_REQUEST : Response.Status.ACCEPTED).entity(r).build();
    }

    private static Uni<Response> badRequest(String message) {
        return Uni.createFrom().item(Response.status(Response.Status.BAD_REQUEST)
                .entity(IngestResponse.invalid(List.of(new Rejection(-1, "body", message)))).build());
    }
}
